/**
 * `nutshell monitor`: a replacement for NUT's upsmon (docs/monitor.md).
 *
 *   nutshell monitor [--nut-confpath DIR] [-f upsmon.conf]   remote servers of MONITOR lines
 *   nutshell monitor --local [--nut-confpath DIR]            the drivers of ups.conf, directly
 *   nutshell monitor -c fsd|stop|reload [-P pid]             signal the running monitor
 *   nutshell monitor -K                                      exit 0 iff POWERDOWNFLAG is set
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Notifier } from '../../actions/notifier.ts'
import { powerDownFlagSet } from '../../actions/power-road.ts'
import { CommandRunner, type RunResult } from '../../actions/run-command.ts'
import { startBroker } from '../../broker/broker.ts'
import { runDaemon } from '../../broker/daemon.ts'
import { isControlCommand, readPidFile, signalDaemon } from '../../broker/pid-file.ts'
import {
  loadMonitorSettings,
  type MonitorLoad,
  monitorBrokerConfig,
} from '../../config/monitor-config.ts'
import type { MonitorConfig } from '../../config/types.ts'
import { systemClock } from '../../core/clock.ts'
import { NutshellError } from '../../core/errors.ts'
import { createLogger, type Logger } from '../../core/log.ts'
import { isNotifyEvent } from '../../devices/notify-events.ts'
import { type ConfigDiagnostic, formatDiagnostic } from '../../protocol/nut-config/diagnostic.ts'
import {
  type CommandSpec,
  flagCount,
  parseCommand,
  stringValue,
  stringValues,
  usageFailure,
} from '../args.ts'
import { reportFailure } from '../error-report.ts'
import { logOptionSpecs, readLogOptions } from '../log-options.ts'
import { dropAfterStart, privilegeOptionSpecs, readPrivilegeOptions } from '../privilege-options.ts'

export const monitorCommand: CommandSpec = {
  name: 'monitor',
  usage: [
    '[--nut-confpath DIR] [-f upsmon.conf] [options]',
    '--local [--nut-confpath DIR] [options]',
    '-c fsd|stop|reload [-P PID]',
    '-K',
  ],
  summary: 'watch UPSes and shut down on power loss, as NUT upsmon',
  options: {
    config: {
      type: 'string',
      value: 'FILE',
      help: "nutshell's YAML config: its monitor section (commands may be lists)",
    },
    'nut-confpath': {
      type: 'string',
      value: 'DIR',
      help: 'NUT configuration directory',
      default: '$NUT_CONFPATH, else /etc/nut',
    },
    f: { type: 'string', value: 'FILE', help: 'upsmon.conf to read', default: 'DIR/upsmon.conf' },
    local: {
      type: 'boolean',
      help: 'no network: watch the drivers of DIR/ups.conf through their sockets',
    },
    'state-path': {
      type: 'string',
      value: 'DIR',
      help: 'driver sockets for --local',
      default: '$NUT_STATEPATH, else /run/nut',
    },
    'no-push': { type: 'boolean', help: 'poll even a nutshell server (no WATCH)' },
    rules: {
      type: 'string',
      multiple: true,
      value: 'FILE',
      help: "run the rules of FILE (rules or upssched.conf); with --config,\nthe config's rules files run too",
    },
    'pid-file': {
      type: 'string',
      value: 'FILE',
      help: 'where to keep the PID',
      default:
        '$NUT_ALTPIDPATH or $NUT_STATEPATH\n/nutshell-monitor.pid when that directory exists',
    },
    c: {
      type: 'string',
      value: 'fsd|stop|reload',
      help: 'signal the running monitor (fsd: forced shutdown now)',
    },
    P: { type: 'string', value: 'PID', help: 'the process -c signals, instead of the PID file' },
    K: { type: 'boolean', help: 'exit 0 if the power-down flag exists (late shutdown scripts)' },
    'test-notify': {
      type: 'string',
      value: 'TYPE',
      help: 'raise one notification (ONBATT, LOWBATT, ...) through the configured\nNOTIFYFLAG channels and NOTIFYCMD, report, and exit',
    },
    ...privilegeOptionSpecs,
    ...logOptionSpecs,
    D: {
      type: 'boolean',
      multiple: true,
      help: 'accepted for upsmon compatibility (always foreground)',
    },
    F: { type: 'boolean', help: 'accepted for upsmon compatibility', hidden: true },
    B: { type: 'boolean', help: 'accepted for upsmon compatibility', hidden: true },
    p: { type: 'boolean', help: 'accepted for upsmon compatibility', hidden: true },
    u: { type: 'string', value: 'USER', help: 'as --user (upsmon -u)', hidden: true },
  },
  notes: '-F, -B and -p are accepted for upsmon compatibility and change nothing.',
  examples: [
    'nutshell monitor --nut-confpath /etc/nut',
    'nutshell monitor --local --rules /etc/nut/nutshell.rules',
    'nutshell monitor --test-notify ONBATT',
  ],
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(monitorCommand, args)
  if (!parsed.ok) return parsed.code
  const logOptions = readLogOptions(parsed.values)
  if (!logOptions.ok) return usageFailure(monitorCommand, logOptions.message)
  const flag = (name: string): true | undefined =>
    flagCount(parsed.values, name) > 0 ? true : undefined
  const values = {
    'nut-confpath': stringValue(parsed.values, 'nut-confpath'),
    config: stringValue(parsed.values, 'config'),
    f: stringValue(parsed.values, 'f'),
    local: flag('local'),
    'state-path': stringValue(parsed.values, 'state-path'),
    'no-push': flag('no-push'),
    rules: stringValues(parsed.values, 'rules'),
    'test-notify': stringValue(parsed.values, 'test-notify'),
    'pid-file': stringValue(parsed.values, 'pid-file'),
    c: stringValue(parsed.values, 'c'),
    P: stringValue(parsed.values, 'P'),
    K: flag('K'),
    privilege: readPrivilegeOptions(parsed.values, stringValue(parsed.values, 'u')),
  }
  const confDir = values['nut-confpath'] ?? process.env['NUT_CONFPATH'] ?? '/etc/nut'
  const confFile = values.f ?? join(confDir, 'upsmon.conf')
  const pidFile = values['pid-file'] ?? defaultPidFile()

  if (values.c !== undefined) {
    if (!isControlCommand(values.c))
      throw new NutshellError('NS_USAGE', `-c ${values.c}: use fsd, stop or reload`)
    const pid = values.P !== undefined ? Number.parseInt(values.P, 10) : undefined
    if (pid === undefined && pidFile === undefined) {
      throw new NutshellError('NS_USAGE', 'no PID file known: give -P pid or --pid-file')
    }
    signalDaemon(values.c, pid ?? (await readPidFile(pidFile as string)))
    return 0
  }

  const local = values.local === true
  const sources = {
    upsmonFile: confFile,
    yamlFile: values.config,
    optional: local,
    extraRules: values.rules ?? [],
  }
  const settings = shown(await loadMonitorSettings(sources))
  if (values.K === true) {
    const flag = settings.monitor.powerDownFlag
    if (flag === undefined) return 1
    return (await powerDownFlagSet(flag)) ? 0 : 1
  }

  const log = createLogger(logOptions.options)
  if (values['test-notify'] !== undefined)
    return testNotify(values['test-notify'], settings.monitor, log)
  const target = {
    confDir,
    local,
    statePath: values['state-path'] ?? process.env['NUT_STATEPATH'] ?? '/run/nut',
    upsmonFile: confFile,
    yamlFile: values.config,
  }
  const config = shown(await monitorBrokerConfig(settings, target))
  const broker = await startBroker(config, {
    mode: local ? 'local-monitor' : 'remote-monitor',
    log,
    push: values['no-push'] !== true,
    powerRoad: values.privilege.powerRoad,
  })
  const runAs = settings.monitor.runAsUser
  return runDaemon(broker, {
    log,
    pidFile,
    ready: () => dropAfterStart('monitor', values.privilege, runAs, log),
    // upsmon's reload: read the configuration again and watch with it. The watch starts
    // afresh, so a UPS already on battery is notified ONBATT once more.
    load: async () => {
      const next = await loadMonitorSettings({ ...sources, optional: false })
      printDiagnostics(next.diagnostics)
      if (!next.ok) return undefined
      const built = await monitorBrokerConfig(next.value, target)
      printDiagnostics(built.diagnostics)
      if (!built.ok) reportFailure('nutshell monitor', built.error)
      return built.ok ? built.value : undefined
    },
  })
}

/** Prints what a configuration reader found; a fatal problem ends the command. */
function shown<T>(result: MonitorLoad<T>): T {
  printDiagnostics(result.diagnostics)
  if (!result.ok) throw result.error
  return result.value
}

function printDiagnostics(diagnostics: readonly ConfigDiagnostic[]): void {
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`)
}

/**
 * Users cannot pull the plug to try NOTIFYCMD: this raises one notification exactly as the
 * monitor would (flags, message, environment) and says what the command did.
 */
async function testNotify(word: string, config: MonitorConfig, log: Logger): Promise<number> {
  const type = word.toUpperCase()
  if (!isNotifyEvent(type)) {
    throw new NutshellError(
      'NS_USAGE',
      `--test-notify ${word}: not a notify type (ONBATT, LOWBATT, ...)`,
    )
  }
  const results: RunResult[] = []
  const runner = new CommandRunner({ clock: systemClock, log })
  const notifier = new Notifier({
    log,
    runner: {
      run: async (request) => {
        const result = await runner.run(request)
        if (request.label?.startsWith('NOTIFYCMD') === true) results.push(result)
        return result
      },
    },
    notifyCommand: config.notifyCommand,
    notifyFlags: config.notifyFlags,
    notifyMessages: config.notifyMessages,
  })
  const system = type === 'SHUTDOWN' ? '' : (config.monitors[0]?.system ?? 'test@localhost')
  const sent = notifier.notify(type, system)
  await notifier.settled()
  process.stdout.write(
    `${type} "${sent.message}" via ${sent.flags.join('+') || 'nothing (IGNORE)'}\n`,
  )
  for (const r of results) {
    const how = r.timedOut ? 'timed out' : (r.spawnError ?? `exit ${r.code ?? r.signal}`)
    process.stdout.write(`NOTIFYCMD: ${how}\n${r.stdout}${r.stderr}`)
  }
  if (sent.flags.includes('EXEC') && config.notifyCommand === undefined) {
    process.stdout.write('EXEC is set but there is no NOTIFYCMD\n')
    return 1
  }
  return results.every((r) => r.code === 0) ? 0 : 1
}

function defaultPidFile(): string | undefined {
  const dir = process.env['NUT_ALTPIDPATH'] ?? process.env['NUT_STATEPATH']
  if (dir !== undefined) return join(dir, 'nutshell-monitor.pid')
  return existsSync('/run/nut') ? '/run/nut/nutshell-monitor.pid' : undefined
}
