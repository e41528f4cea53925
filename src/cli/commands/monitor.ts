/**
 * `nutshell monitor`: a replacement for NUT's upsmon (docs/monitor.md).
 *
 *   nutshell monitor [--nut-confpath DIR] [-f upsmon.conf]   remote servers of MONITOR lines
 *   nutshell monitor --local [--nut-confpath DIR]            the drivers of ups.conf, directly
 *   nutshell monitor -c fsd|stop|reload [-P pid]             signal the running monitor
 *   nutshell monitor -K                                      exit 0 iff POWERDOWNFLAG is set
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CommandRunner, type RunResult } from '../../actions/run-command.ts'
import { monitorFromUpsmonConf } from '../../config/from-nut.ts'
import { loadConfig } from '../../config/load.ts'
import type { MonitorConfig, MonitoredUps } from '../../config/types.ts'
import { systemClock } from '../../core/clock.ts'
import { NutshellError } from '../../core/errors.ts'
import { createLogger, type Logger } from '../../core/log.ts'
import { DeviceStore } from '../../devices/device-store.ts'
import { driverSocketPath } from '../../drivers/nut/nut-driver.ts'
import { StateSocketLink } from '../../drivers/nut/state-socket-link.ts'
import {
  isControlCommand,
  readPidFile,
  removePidFile,
  signalMonitor,
  writePidFile,
} from '../../monitor/control.ts'
import { Notifier } from '../../monitor/notifier.ts'
import { isNotifyEvent } from '../../monitor/notify-events.ts'
import { powerDownFlagSet } from '../../monitor/shutdown-port.ts'
import { startMonitor } from '../../monitor/start-monitor.ts'
import { formatDiagnostic, hasErrors } from '../../protocol/nut-config/diagnostic.ts'
import { parseUpsConf } from '../../protocol/nut-config/ups-conf.ts'
import { parseUpsmonConf, type UpsmonConf } from '../../protocol/nut-config/upsmon-conf.ts'
import {
  type CommandSpec,
  flagCount,
  parseCommand,
  stringValue,
  stringValues,
  usageFailure,
} from '../args.ts'
import { logOptionSpecs, readLogOptions } from '../log-options.ts'
import { startMonitorRules } from '../monitor-rules.ts'

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
    ...logOptionSpecs,
    D: {
      type: 'boolean',
      multiple: true,
      help: 'accepted for upsmon compatibility (always foreground)',
    },
    F: { type: 'boolean', help: 'accepted for upsmon compatibility', hidden: true },
    B: { type: 'boolean', help: 'accepted for upsmon compatibility', hidden: true },
    p: { type: 'boolean', help: 'accepted for upsmon compatibility', hidden: true },
    u: { type: 'string', value: 'USER', help: 'accepted for upsmon compatibility', hidden: true },
  },
  notes: '-F, -B, -p and -u USER are accepted for upsmon compatibility and change nothing.',
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
    signalMonitor(values.c, pid ?? (await readPidFile(pidFile as string)))
    return 0
  }

  const local = values.local === true
  const yaml = values.config === undefined ? undefined : await readYamlMonitor(values.config)
  const config = yaml?.monitor ?? monitorFromUpsmonConf(await readUpsmonConf(confFile, local))
  const ruleFiles = [...(yaml?.ruleFiles ?? []), ...(values.rules ?? [])]
  if (values.K === true) {
    if (config.powerDownFlag === undefined) return 1
    return (await powerDownFlagSet(config.powerDownFlag)) ? 0 : 1
  }

  const log = createLogger(logOptions.options)
  if (values['test-notify'] !== undefined) return testNotify(values['test-notify'], config, log)
  let store: DeviceStore | undefined
  const links: StateSocketLink[] = []
  if (local) {
    store = new DeviceStore()
    const statePath = values['state-path'] ?? process.env['NUT_STATEPATH'] ?? '/run/nut'
    const locals = await localMonitors(confDir, config.minSupplies, config.monitors)
    config.monitors = locals
    for (const m of locals) {
      const device = store.add(m.ups)
      const link = new StateSocketLink({
        device,
        socketPath: driverSocketPath(statePath, m.driver, m.ups),
        clock: systemClock,
        log: log.child({ ups: m.ups }),
      })
      device.attachController(link)
      link.start()
      links.push(link)
    }
  }
  if (config.monitors.length === 0) {
    throw new NutshellError('NS_CONFIG_INVALID', `${confFile}: no MONITOR line: nothing to watch`)
  }
  const launch = (next: MonitorConfig) =>
    startMonitor({
      config: next,
      log,
      ...(store === undefined ? {} : { store }),
      push: values['no-push'] !== true,
    })
  let running = await launch(config)
  let current = config
  const rules =
    ruleFiles.length === 0
      ? undefined
      : await startMonitorRules({ files: ruleFiles, config, log, store }).catch(
          async (error: unknown) => {
            await running.stop()
            throw error
          },
        )
  rules?.follow(running)
  const done = new Promise<number>((resolve) => {
    let finishing = false
    const finish = async (code: number) => {
      if (finishing) return
      finishing = true
      rules?.stop()
      await running.stop()
      await Promise.all(links.map((l) => l.stop()))
      if (pidFile !== undefined) await removePidFile(pidFile).catch(() => undefined)
      resolve(code)
    }
    // upsmon's reload: read the configuration again and watch with it. The watch starts
    // afresh, so a UPS already on battery is notified ONBATT once more.
    const reload = async () => {
      if (local) return log.warn('reload is not supported with --local: restart the monitor')
      if (running.monitor.shuttingDown || finishing) return
      let next: MonitorConfig
      try {
        next =
          values.config === undefined
            ? monitorFromUpsmonConf(await readUpsmonConf(confFile, false))
            : (await readYamlMonitor(values.config)).monitor
        if (next.monitors.length === 0) throw new Error('no MONITOR line')
      } catch (error) {
        return log.error({ err: String(error) }, 'reload failed; keeping the configuration')
      }
      await running.stop()
      try {
        running = await launch(next)
        current = next
        log.info('configuration reloaded')
      } catch (error) {
        log.error({ err: String(error) }, 'reload failed; back to the previous configuration')
        running = await launch(current)
      }
      rules?.follow(running)
      // A failed rules reload is logged there, with its report (RULE3002).
      await rules?.reload()
      running.monitor.events.on('exit', () => void finish(0))
    }
    process.on('SIGUSR1', () => void running.monitor.requestFsd())
    process.on('SIGHUP', () => void reload())
    process.once('SIGTERM', () => void finish(0))
    process.once('SIGINT', () => void finish(0))
    running.monitor.events.on('exit', () => void finish(0))
  })
  // Only once the handlers are in place may `-c` find us.
  if (pidFile !== undefined) {
    await writePidFile(pidFile).catch((error: unknown) =>
      log.warn({ pidFile, err: String(error) }, 'cannot write the PID file; use -c with -P'),
    )
  }
  return done
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

async function readYamlMonitor(
  file: string,
): Promise<{ monitor: MonitorConfig; ruleFiles: string[] }> {
  const result = await loadConfig(file)
  for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`)
  if (!result.ok) throw new NutshellError('NS_CONFIG_INVALID', `${file} has errors`)
  if (result.value.monitor === undefined) {
    throw new NutshellError('NS_CONFIG_INVALID', `${file} has no monitor section`)
  }
  return { monitor: result.value.monitor, ruleFiles: result.value.rules?.files ?? [] }
}

async function readUpsmonConf(file: string, optional: boolean): Promise<UpsmonConf> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if (optional) text = ''
    else throw new NutshellError('NS_CONFIG_READ', `${file}: ${String(error)}`, { cause: error })
  }
  const result = parseUpsmonConf(text, file)
  for (const d of result.diagnostics) {
    if (!(optional && d.code === 'insufficient-power'))
      process.stderr.write(`${formatDiagnostic(d)}\n`)
  }
  if (hasErrors(result.diagnostics))
    throw new NutshellError('NS_CONFIG_INVALID', `${file} has errors`)
  return result.conf
}

/**
 * --local: every ups.conf device, with the power value and role of a MONITOR line naming
 * it (any host), else power value 1 as primary (this monitor is the only one).
 */
async function localMonitors(
  confDir: string,
  minSupplies: number,
  fromMonitorLines: readonly MonitoredUps[],
): Promise<Array<MonitoredUps & { driver: string }>> {
  const file = join(confDir, 'ups.conf')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new NutshellError('NS_CONFIG_READ', `${file}: ${String(error)}`, { cause: error })
  }
  const parsed = parseUpsConf(text, file)
  for (const d of parsed.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`)
  if (hasErrors(parsed.diagnostics))
    throw new NutshellError('NS_CONFIG_INVALID', `${file} has errors`)
  const result: Array<MonitoredUps & { driver: string }> = []
  for (const section of parsed.conf.sections) {
    if (section.driver === undefined) continue
    const line = fromMonitorLines.find((m) => m.ups.toLowerCase() === section.name.toLowerCase())
    result.push({
      system: section.name,
      ups: section.name,
      host: 'localhost',
      port: 0,
      powerValue: line?.powerValue ?? 1,
      user: '',
      password: '',
      role: line?.role ?? 'primary',
      driver: section.driver,
    })
  }
  if (minSupplies > result.reduce((sum, m) => sum + m.powerValue, 0)) {
    throw new NutshellError('NS_CONFIG_INVALID', 'the devices of ups.conf cannot reach MINSUPPLIES')
  }
  return result
}
