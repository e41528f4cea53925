/**
 * Fault benchmark (issue 3): the run of test/helpers/driver-faults.ts with its timings
 * printed, real upsd beside nutshell upsd: time from the kill to the first ERR DATA-STALE /
 * DRIVER-NOT-CONNECTED, from the restart to the fresh value, stale/ok flaps, log lines per
 * outage, and for the SIGSTOP phase the time to ERR DATA-STALE (<= MAXAGE + 1 s) and back.
 *
 *   node --import tsx bench/nut-driver-faults.bench.ts [cycles]   (default 12 = 1 min; 24 = 2 min)
 */
import { runDriverFaults } from '../test/helpers/driver-faults.ts'

await runDriverFaults(Number(process.argv[2] ?? 12), (line) => console.log(line))
