/**
 * `nutshell serve`: the broker, on NUT's own files (`--nut-confpath DIR`, or
 * `$NUT_CONFPATH`) or on one native YAML file (`--config FILE`). Logs JSON lines on stderr;
 * SIGHUP re-reads users and rules; SIGINT/SIGTERM stop cleanly (src/broker/daemon.ts).
 */
import { parseArgs } from 'node:util'
import { type Broker, startBroker } from '../../broker/broker.ts'
import { runDaemon } from '../../broker/daemon.ts'
import type { LoadResult } from '../../config/from-nut.ts'
import { loadNutConfigDir } from '../../config/nut-dir.ts'
import type { BrokerConfig } from '../../config/types.ts'
import { createLogger } from '../../core/log.ts'
import { formatDiagnostic, sortDiagnostics } from '../../protocol/nut-config/index.ts'

const usage = `usage: nutshell serve [--nut-confpath DIR | --config FILE] [--log-level LEVEL]

  --nut-confpath DIR  read ups.conf, upsd.conf, upsd.users (and upsmon.conf) from DIR,
                      as upsd does (default: $NUT_CONFPATH, else /etc/nut)
  --config FILE       read the native YAML configuration instead
  --driver-sockets    also expose every device as a NUT driver state socket
                      (STATEPATH/nutshell-<ups>), so a real upsd with
                      \`driver = nutshell\` in its ups.conf serves it
  --driver-socket-dir DIR
                      where those sockets go (default: the configured STATEPATH)
  --rules FILE        also run the rules of FILE (repeatable; rules or upssched.conf),
                      beside the configuration's own rules files
  --log-level LEVEL   trace, debug, info (default), warn, error
`

export async function run(args: string[]): Promise<number> {
  let values: ReturnType<typeof parseServeArgs>
  try {
    values = parseServeArgs(args)
  } catch (error) {
    process.stderr.write(`nutshell serve: ${(error as Error).message}\n\n${usage}`)
    return 2
  }
  if (values.help === true) {
    process.stdout.write(usage)
    return 0
  }
  if (values.config !== undefined && values['nut-confpath'] !== undefined) {
    process.stderr.write('nutshell serve: give either --config or --nut-confpath, not both\n')
    return 2
  }
  const yamlFile = values.config
  const extraRules = values.rules ?? []
  // The YAML reader (and its library) is loaded only for a YAML configuration.
  const load = async (): Promise<LoadResult<BrokerConfig>> =>
    withRules(
      yamlFile !== undefined
        ? await (await import('../../config/yaml-load.ts')).loadYamlConfig(yamlFile)
        : await loadNutConfigDir(values['nut-confpath']),
      extraRules,
    )

  const loaded = await load()
  printDiagnostics(loaded)
  if (!loaded.ok) {
    process.stderr.write('nutshell serve: the configuration has errors; nothing was started\n')
    return 1
  }
  const log = createLogger(values['log-level'] === undefined ? {} : { level: values['log-level'] })
  let broker: Broker
  try {
    const wantSockets =
      values['driver-sockets'] === true || values['driver-socket-dir'] !== undefined
    const statePath = values['driver-socket-dir'] ?? loaded.value.server.statePath
    broker = await startBroker(loaded.value, {
      mode: 'serve',
      log,
      ...(wantSockets ? { driverSockets: { statePath } } : {}),
    })
  } catch (error) {
    process.stderr.write(`nutshell serve: ${(error as Error).message}\n`)
    return 1
  }
  return runDaemon(broker, {
    log,
    load: async () => {
      const next = await load()
      printDiagnostics(next)
      return next.ok ? next.value : undefined
    },
  })
}

/** `--rules FILE` runs beside the configuration's own rules files. */
function withRules(result: LoadResult<BrokerConfig>, files: readonly string[]) {
  if (!result.ok || files.length === 0) return result
  const rules = result.value.rules
  return {
    ...result,
    value: { ...result.value, rules: { ...rules, files: [...(rules?.files ?? []), ...files] } },
  }
}

function printDiagnostics(result: LoadResult<BrokerConfig>): void {
  for (const d of sortDiagnostics(result.diagnostics))
    process.stderr.write(`${formatDiagnostic(d)}\n`)
}

function parseServeArgs(args: string[]) {
  return parseArgs({
    args,
    options: {
      'nut-confpath': { type: 'string' },
      config: { type: 'string', short: 'c' },
      'log-level': { type: 'string' },
      'driver-sockets': { type: 'boolean' },
      'driver-socket-dir': { type: 'string' },
      rules: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values
}
