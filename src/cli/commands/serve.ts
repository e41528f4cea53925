/**
 * `nutshell serve`: the broker, on NUT's own files (`--nut-confpath DIR`, or
 * `$NUT_CONFPATH`) or on one native YAML file (`--config FILE`). Logs JSON lines on stderr;
 * SIGHUP re-reads users and rules; SIGINT/SIGTERM stop cleanly.
 */
import { parseArgs } from 'node:util'
import { type Broker, startBroker } from '../../broker.ts'
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
  // The YAML reader (and its library) is loaded only for a YAML configuration.
  const load = async (): Promise<LoadResult<BrokerConfig>> =>
    yamlFile !== undefined
      ? (await import('../../config/yaml-load.ts')).loadYamlConfig(yamlFile)
      : loadNutConfigDir(values['nut-confpath'])

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
      log,
      ...(wantSockets ? { driverSockets: { statePath } } : {}),
    })
  } catch (error) {
    process.stderr.write(`nutshell serve: ${(error as Error).message}\n`)
    return 1
  }
  for (const address of broker.addresses()) {
    log.info({ host: address.host, port: address.port }, 'serving NUT')
  }
  return waitForStop(broker, async () => {
    const next = await load()
    printDiagnostics(next)
    if (!next.ok) {
      log.error('reload: the configuration has errors; keeping the running one')
      return
    }
    const outcome = await broker.reload(next.value)
    if (!outcome.ok) log.error({ report: outcome.report }, 'reload: rules kept as they were')
    else log.info('reloaded users and rules')
  })
}

function printDiagnostics(result: LoadResult<BrokerConfig>): void {
  for (const d of sortDiagnostics(result.diagnostics))
    process.stderr.write(`${formatDiagnostic(d)}\n`)
}

/** Runs until SIGINT or SIGTERM; SIGHUP calls `reload`. */
export function waitForStop(broker: Broker, reload?: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false
    const stop = (): void => {
      if (stopping) return
      stopping = true
      process.off('SIGHUP', onHup)
      broker.stop().then(
        () => resolve(0),
        () => resolve(1),
      )
    }
    const onHup = (): void => {
      reload?.().catch(() => undefined)
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    process.on('SIGHUP', onHup)
  })
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
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values
}
