/**
 * `nutshell serve`: the broker, on NUT's own files (`--nut-confpath DIR`, or
 * `$NUT_CONFPATH`) or on one native YAML file (`--config FILE`). Logs on stderr (text on a
 * terminal, JSON lines otherwise); SIGHUP re-reads users and rules; SIGINT/SIGTERM stop cleanly
 * (src/broker/daemon.ts).
 */
import { type Broker, startBroker } from '../../broker/broker.ts'
import { runDaemon } from '../../broker/daemon.ts'
import { withPowermanConf } from '../../broker/powerman-conf.ts'
import { configFailure } from '../../config/config-failure.ts'
import type { LoadResult } from '../../config/from-nut.ts'
import { loadNutConfigDir } from '../../config/nut-dir.ts'
import type { BrokerConfig } from '../../config/types.ts'
import { defaultWebConfig, parseWebListen, type WebConfig } from '../../config/web-config.ts'
import { createLogger } from '../../core/log.ts'
import { formatDiagnostic, sortDiagnostics } from '../../protocol/nut-config/index.ts'
import { type CommandSpec, parseCommand, stringValue, stringValues, usageFailure } from '../args.ts'
import { reportFailure } from '../error-report.ts'
import { logOptionSpecs, readLogOptions } from '../log-options.ts'
import { dropAfterStart, privilegeOptionSpecs, readPrivilegeOptions } from '../privilege-options.ts'

export const serveCommand: CommandSpec = {
  name: 'serve',
  usage: ['[--nut-confpath DIR | --config FILE] [options]'],
  summary: 'run the broker: devices, NUT server, monitor, rules',
  options: {
    'nut-confpath': {
      type: 'string',
      value: 'DIR',
      help: 'read ups.conf, upsd.conf, upsd.users (and upsmon.conf) from DIR,\nas upsd does',
      default: '$NUT_CONFPATH, else /etc/nut',
    },
    config: {
      type: 'string',
      short: 'c',
      value: 'FILE',
      help: "read nutshell's native YAML configuration instead",
    },
    'powerman-conf': {
      type: 'string',
      value: 'FILE',
      help: "also run the devices of powerman's powerman.conf FILE (its .dev\nscripts), each plug a NUT outlet",
    },
    'driver-sockets': {
      type: 'boolean',
      help: 'also expose every device as a NUT driver state socket\n(STATEPATH/nutshell-<ups>), so a real upsd with `driver = nutshell`\nin its ups.conf serves it',
    },
    'driver-socket-dir': {
      type: 'string',
      value: 'DIR',
      help: 'where those sockets go',
      default: 'the configured STATEPATH',
    },
    rules: {
      type: 'string',
      value: 'FILE',
      multiple: true,
      help: "also run the rules of FILE (rules or upssched.conf), beside the\nconfiguration's own rules files",
    },
    web: {
      type: 'string',
      value: 'ADDR',
      help: 'also serve the dashboard and HTTP API on ADDR (host:port), e.g.\n127.0.0.1:8080; the NUT users log in (docs/web.md)',
    },
    ...privilegeOptionSpecs,
    ...logOptionSpecs,
  },
  examples: [
    'nutshell serve --nut-confpath /etc/nut',
    'nutshell serve --config nutshell.yaml --log-format json',
    'nutshell serve --nut-confpath /etc/nut --powerman-conf /etc/powerman/powerman.conf',
  ],
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(serveCommand, args)
  if (!parsed.ok) return parsed.code
  const logOptions = readLogOptions(parsed.values)
  if (!logOptions.ok) return usageFailure(serveCommand, logOptions.message)
  const values = {
    config: stringValue(parsed.values, 'config'),
    'nut-confpath': stringValue(parsed.values, 'nut-confpath'),
    'driver-sockets': parsed.values['driver-sockets'] === true,
    'driver-socket-dir': stringValue(parsed.values, 'driver-socket-dir'),
    'powerman-conf': stringValue(parsed.values, 'powerman-conf'),
    rules: stringValues(parsed.values, 'rules'),
    web: stringValue(parsed.values, 'web'),
    privilege: readPrivilegeOptions(parsed.values),
  }
  const webListen = values.web === undefined ? undefined : parseWebListen(values.web)
  if (values.web !== undefined && webListen === undefined)
    return usageFailure(serveCommand, `--web: '${values.web}' is not host:port`)
  if (values.config !== undefined && values['nut-confpath'] !== undefined) {
    process.stderr.write('nutshell serve: give either --config or --nut-confpath, not both\n')
    return 2
  }
  const yamlFile = values.config
  const extraRules = values.rules ?? []
  // The YAML reader (and its library) is loaded only for a YAML configuration.
  const load = async (): Promise<LoadResult<BrokerConfig>> =>
    withWeb(
      withPowermanConf(
        withRules(
          yamlFile !== undefined
            ? await (await import('../../config/yaml-load.ts')).loadYamlConfig(yamlFile)
            : await loadNutConfigDir(values['nut-confpath']),
          extraRules,
        ),
        values['powerman-conf'],
      ),
      webListen,
    )

  const loaded = await load()
  printDiagnostics(loaded)
  if (!loaded.ok) {
    const failure = configFailure(
      'the configuration has errors; nothing was started',
      loaded.diagnostics,
    )
    reportFailure('nutshell serve', failure)
    return 1
  }
  const log = createLogger(logOptions.options)
  let broker: Broker
  try {
    const wantSockets = values['driver-sockets'] || values['driver-socket-dir'] !== undefined
    const statePath = values['driver-socket-dir'] ?? loaded.value.server.statePath
    broker = await startBroker(loaded.value, {
      mode: 'serve',
      log,
      ...(wantSockets ? { driverSockets: { statePath } } : {}),
      powerRoad: values.privilege.powerRoad,
    })
  } catch (error) {
    reportFailure('nutshell serve', error)
    return 1
  }
  return runDaemon(broker, {
    log,
    ready: () => dropAfterStart('serve', values.privilege, loaded.value.monitor?.runAsUser, log),
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

/** `--web ADDR` turns the web face on (or moves it) whatever the configuration says. */
function withWeb(result: LoadResult<BrokerConfig>, listen: WebConfig['listen'] | undefined) {
  if (!result.ok || listen === undefined) return result
  const web = { ...(result.value.web ?? defaultWebConfig()), listen }
  return { ...result, value: { ...result.value, web } }
}

function printDiagnostics(result: LoadResult<BrokerConfig>): void {
  for (const d of sortDiagnostics(result.diagnostics))
    process.stderr.write(`${formatDiagnostic(d)}\n`)
}
