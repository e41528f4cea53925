/**
 * `nutshell upsd`: a drop-in for NUT's upsd beside upsdrvctl and NUT's service units
 * (docs/drivers.md). Reads ups.conf, upsd.conf and upsd.users from NUT_CONFPATH, starts no
 * driver, attaches to every driver's state socket in NUT_STATEPATH, serves NUT's protocol.
 *
 *   nutshell upsd [-F] [-B] [-D...] [-u USER]      run (always in the foreground)
 *   nutshell upsd -c reload|stop [-P PID]          signal the running one (PID file)
 */
import { join } from 'node:path'
import { type Broker, startBroker } from '../../broker/broker.ts'
import { runDaemon } from '../../broker/daemon.ts'
import { dropPrivileges } from '../../broker/drop-privileges.ts'
import { readPidFile, signalDaemon } from '../../broker/pid-file.ts'
import { configFailure } from '../../config/config-failure.ts'
import { type LoadResult, nutDefaults } from '../../config/from-nut.ts'
import { loadNutConfigDir, nutConfPath } from '../../config/nut-dir.ts'
import type { BrokerConfig } from '../../config/types.ts'
import { createLogger } from '../../core/log.ts'
import { nutshellVersion, nutVersion } from '../../core/version.ts'
import { formatDiagnostic } from '../../protocol/nut-config/diagnostic.ts'
import { type CommandSpec, flagCount, parseCommand, stringValue, usageFailure } from '../args.ts'
import { reportFailure } from '../error-report.ts'
import { logOptionSpecs, readLogOptions } from '../log-options.ts'

export const upsdCommand: CommandSpec = {
  name: 'upsd',
  usage: ['[-D...] [-q] [-u USER] [options]', '-c reload|stop [-P PID]'],
  summary: "a drop-in for NUT's upsd beside NUT's drivers",
  options: {
    c: {
      type: 'string',
      value: 'reload|stop',
      help: 'signal the running upsd (reload: re-read the config files)',
    },
    P: { type: 'string', value: 'PID', help: 'the process -c signals, instead of the PID file' },
    D: {
      type: 'boolean',
      multiple: true,
      help: 'raise the log level (-D debug, -DD trace); stays in the foreground',
    },
    q: { type: 'boolean', multiple: true, help: 'lower the log level (warnings only)' },
    F: { type: 'boolean', help: 'stay in the foreground (always the case)' },
    B: { type: 'boolean', help: 'accepted for compatibility; nutshell upsd never forks' },
    u: {
      type: 'string',
      value: 'USER',
      help: 'drop to USER after opening the listeners',
      default: 'as upsd: nut, when started as root and that user exists',
    },
    '4': { type: 'boolean', help: 'accepted for compatibility', hidden: true },
    '6': { type: 'boolean', help: 'accepted for compatibility', hidden: true },
    V: { type: 'boolean', help: 'print the version' },
    ...logOptionSpecs,
  },
  notes: `Reads ups.conf, upsd.conf and upsd.users from $NUT_CONFPATH and serves every driver's
state socket over NUT's protocol.

Environment: NUT_CONFPATH (config files, default /etc/nut), NUT_STATEPATH (driver
sockets, default /run/nut, overridden by upsd.conf STATEPATH), NUT_ALTPIDPATH (PID file
upsd.pid, default the state path). --log-level wins over -D and -q. -4 and -6 are
accepted for compatibility: the LISTEN lines of upsd.conf decide.`,
  examples: ['NUT_CONFPATH=/etc/nut nutshell upsd -D', 'nutshell upsd -c reload'],
}

function pidFilePath(env: NodeJS.ProcessEnv): string {
  const dir = env['NUT_ALTPIDPATH'] || env['NUT_STATEPATH'] || nutDefaults.statePath
  return join(dir, 'upsd.pid')
}

async function load(dir: string): Promise<LoadResult<BrokerConfig>> {
  const result = await loadNutConfigDir(dir)
  for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`)
  return result
}

async function signalRunning(command: string, pidArg: string | undefined): Promise<number> {
  if (command !== 'reload' && command !== 'stop') {
    process.stderr.write(`nutshell upsd: -c takes reload or stop, not '${command}'\n`)
    return 1
  }
  try {
    const pid =
      pidArg === undefined
        ? await readPidFile(pidFilePath(process.env), 'nutshell upsd')
        : Number.parseInt(pidArg, 10)
    signalDaemon(command, pid, 'nutshell upsd')
  } catch (error) {
    reportFailure('nutshell upsd', error)
    return 1
  }
  return 0
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(upsdCommand, args)
  if (!parsed.ok) return parsed.code
  const values = {
    c: stringValue(parsed.values, 'c'),
    P: stringValue(parsed.values, 'P'),
    u: stringValue(parsed.values, 'u'),
    V: flagCount(parsed.values, 'V') > 0,
  }
  if (values.V) {
    process.stdout.write(`nutshell upsd ${nutshellVersion} (NUT upsd ${nutVersion} compatible)\n`)
    return 0
  }
  if (values.c !== undefined) return signalRunning(values.c, values.P)

  const debug = flagCount(parsed.values, 'D') - flagCount(parsed.values, 'q')
  const level = debug >= 2 ? 'trace' : debug === 1 ? 'debug' : debug === 0 ? 'info' : 'warn'
  // -D and -q only move the default: --log-level and NUTSHELL_LOG_LEVEL say it exactly.
  const logOptions = readLogOptions(parsed.values, process.env, debug === 0 ? undefined : level)
  if (!logOptions.ok) return usageFailure(upsdCommand, logOptions.message)
  const log = createLogger(logOptions.options)
  const dir = nutConfPath()
  const loaded = await load(dir)
  if (!loaded.ok) {
    const failure = configFailure(
      'the configuration has errors; nothing was started',
      loaded.diagnostics,
    )
    reportFailure('nutshell upsd', failure)
    return 1
  }
  const config = loaded.value

  let broker: Broker
  try {
    broker = await startBroker(config, { mode: 'upsd', log })
  } catch (error) {
    reportFailure('nutshell upsd', error)
    return 1
  }
  return runDaemon(broker, {
    log,
    pidFile: pidFilePath(process.env),
    load: async () => {
      const next = await load(dir)
      return next.ok ? next.value : undefined
    },
    // As upsd: the listeners and the PID file first, then the lower identity.
    ready: () => {
      try {
        // upsd stays root when user nut does not exist, as NUT's upsd does.
        dropPrivileges({ requested: values.u, allowRoot: true, log })
        return true
      } catch (error) {
        reportFailure('nutshell upsd', error)
        return false
      }
    },
  })
}
