/**
 * `nutshell upsd`: a drop-in for NUT's upsd beside upsdrvctl and NUT's service units
 * (docs/drivers.md). Reads ups.conf, upsd.conf and upsd.users from NUT_CONFPATH, starts no
 * driver, attaches to every driver's state socket in NUT_STATEPATH, serves NUT's protocol.
 *
 *   nutshell upsd [-F] [-B] [-D...] [-u USER]      run (always in the foreground)
 *   nutshell upsd -c reload|stop [-P PID]          signal the running one (PID file)
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type Broker, startBroker } from '../../broker/broker.ts'
import { runDaemon } from '../../broker/daemon.ts'
import { readPidFile, signalDaemon } from '../../broker/pid-file.ts'
import { nutDefaults } from '../../config/from-nut.ts'
import { loadNutConfigDir, nutConfPath } from '../../config/nut-dir.ts'
import type { BrokerConfig } from '../../config/types.ts'
import { describeError, NutshellError } from '../../core/errors.ts'
import { createLogger, type Logger } from '../../core/log.ts'
import { formatDiagnostic } from '../../protocol/nut-config/diagnostic.ts'

const usage = `usage: nutshell upsd [OPTIONS]

  -c reload|stop   signal the running upsd (reload: re-read the config files)
  -P PID           the process -c signals, instead of the PID file
  -D               raise the log level (repeat for more); stays in the foreground
  -F               stay in the foreground (always the case)
  -B               accepted for compatibility; nutshell upsd never forks
  -u USER          drop to USER after opening the listeners (default as upsd: nut,
                   when started as root and that user exists)
  -q               lower the log level (warnings only)
  -4, -6           accepted for compatibility; the LISTEN lines of upsd.conf decide
  -V               print the version
  -h               this help

Environment: NUT_CONFPATH (config files, default /etc/nut), NUT_STATEPATH (driver
sockets, default /run/nut, overridden by upsd.conf STATEPATH), NUT_ALTPIDPATH (PID file
upsd.pid, default the state path).
`

function pidFilePath(env: NodeJS.ProcessEnv): string {
  const dir = env['NUT_ALTPIDPATH'] || env['NUT_STATEPATH'] || nutDefaults.statePath
  return join(dir, 'upsd.pid')
}

async function load(dir: string): Promise<BrokerConfig | undefined> {
  const result = await loadNutConfigDir(dir)
  for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`)
  return result.ok ? result.value : undefined
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
    process.stderr.write(`nutshell upsd: ${describeError(error)}\n`)
    return 1
  }
  return 0
}

/** uid and gid of a user from /etc/passwd, or undefined when there is no such user. */
function lookupUser(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':')
      if (user === name && uid !== undefined && gid !== undefined) {
        return { uid: Number(uid), gid: Number(gid) }
      }
    }
  } catch {
    // no passwd file: no such user
  }
  return undefined
}

/** As upsd: started as root, run as -u USER, else as the compiled user when it exists. */
function dropPrivileges(requested: string | undefined, log: Logger): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return
  const name = requested ?? 'nut'
  const user = lookupUser(name)
  if (user === undefined) {
    if (requested !== undefined) throw new NutshellError('NS_USAGE', `no such user: ${requested}`)
    log.warn('started as root and user nut does not exist: staying root (use -u USER)')
    return
  }
  if (user.uid === 0) return
  // Supplementary groups of the old identity must not survive the switch.
  process.setgroups?.([user.gid])
  process.setgid?.(user.gid)
  process.setuid?.(user.uid)
  log.info({ user: name }, 'dropped privileges')
}

export async function run(args: string[]): Promise<number> {
  let values: ReturnType<typeof parse>
  try {
    values = parse(args)
  } catch (error) {
    process.stderr.write(`nutshell upsd: ${describeError(error)}\n\n${usage}`)
    return 1
  }
  if (values.h === true) {
    process.stdout.write(usage)
    return 0
  }
  if (values.V === true) {
    process.stdout.write('nutshell upsd 0.1.0 (NUT upsd 2.8.0 compatible)\n')
    return 0
  }
  if (values.c !== undefined) return signalRunning(values.c, values.P)

  const debug = (values.D?.length ?? 0) - (values.q?.length ?? 0)
  const level = debug >= 2 ? 'trace' : debug === 1 ? 'debug' : debug === 0 ? 'info' : 'warn'
  const log = createLogger({ level })
  const dir = nutConfPath()
  const config = await load(dir)
  if (config === undefined) return 1

  let broker: Broker
  try {
    broker = await startBroker(config, { mode: 'upsd', log })
  } catch (error) {
    process.stderr.write(`nutshell upsd: ${describeError(error)}\n`)
    return 1
  }
  return runDaemon(broker, {
    log,
    pidFile: pidFilePath(process.env),
    load: () => load(dir),
    // As upsd: the listeners and the PID file first, then the lower identity.
    ready: () => {
      try {
        dropPrivileges(values.u, log)
        return true
      } catch (error) {
        process.stderr.write(`nutshell upsd: ${describeError(error)}\n`)
        return false
      }
    },
  })
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: false,
    options: {
      c: { type: 'string' },
      P: { type: 'string' },
      D: { type: 'boolean', multiple: true },
      F: { type: 'boolean' },
      B: { type: 'boolean' },
      u: { type: 'string' },
      h: { type: 'boolean' },
      V: { type: 'boolean' },
      q: { type: 'boolean', multiple: true },
      '4': { type: 'boolean' },
      '6': { type: 'boolean' },
    },
  }).values
}
