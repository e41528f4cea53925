#!/usr/bin/env node
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
// `npm run soak`: the long tier of docs/reliability.md. It runs, with larger counts than
// `npm test` gives them:
//   test/fuzz/*.test.ts                 1,000,000 runs per seed (NUTSHELL_FUZZ_RUNS)
//   test/reliability/*.test.ts          20 cycles per scenario (NUTSHELL_PARTITION_CYCLES)
//   test/interop/nut-driver-killed      24 kills in 2 minutes (NUTSHELL_DRIVER_KILLS)
//   test/soak/*.soak.ts                 scenarios too slow for the fast tier
// Any of the counts can be set from outside (e.g. NUTSHELL_FUZZ_RUNS=100000 npm run soak);
// arguments filter the files by path substring, as in `npm test`. The tests print their
// figures (detection times, shutdown counts) as they go.
import { runTestsInGroup } from './process-group.mjs'

const list = (dir, suffix) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(suffix))
        .map((f) => join(dir, f))
        .sort()
    : []
const filter = process.argv.slice(2)
const files = [
  ...list('test/soak', '.soak.ts'),
  ...list('test/reliability', '.test.ts'),
  'test/interop/nut-driver-killed.test.ts',
  ...list('test/fuzz', '.test.ts'),
].filter((path) => filter.length === 0 || filter.some((f) => path.includes(f)))
if (files.length === 0) {
  console.error('soak: no files to run; refusing to report success')
  process.exit(1)
}
const env = {
  NUTSHELL_FUZZ_RUNS: '1000000',
  NUTSHELL_PARTITION_CYCLES: '20',
  NUTSHELL_DRIVER_KILLS: '24',
  ...process.env,
  NODE_NO_WARNINGS: '1',
}
console.log(
  `soak: ${files.length} files; fuzz runs ${env.NUTSHELL_FUZZ_RUNS}, partition cycles ${env.NUTSHELL_PARTITION_CYCLES}, driver kills ${env.NUTSHELL_DRIVER_KILLS}`,
)
const started = Date.now()
// Two at a time: the partition scenarios each run a server and three monitors.
runTestsInGroup(
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  env,
  (code, signal) =>
    console.log(
      `soak: done in ${Math.round((Date.now() - started) / 1000)} s, exit ${code ?? signal}`,
    ),
)
