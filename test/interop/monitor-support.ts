/**
 * Shared set-up of the monitor interop tests: a real upsd + dummy-ups with the users
 * upsmon needs, marker scripts for NOTIFYCMD/SHUTDOWNCMD, upsmon.conf files, and real
 * upsmon / nutshell monitor processes that are always stopped.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { nutBinaries, type RealNut, startRealNut } from '../helpers/nut-peer.ts'
import { run } from '../helpers/processes.ts'
import { acquireUpsmonLock, releaseUpsmonLock } from '../helpers/upsmon-lock.ts'
import { waitFor } from '../helpers/wait.ts'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

export const users = `[admin]
\tpassword = adminpass
\tactions = SET FSD
\tinstcmds = ALL
[monp]
\tpassword = primarypass
\tupsmon primary
[mons]
\tpassword = secpass
\tupsmon secondary
`

export async function startNutForMonitor(): Promise<RealNut> {
  return startRealNut(
    {
      'ups.conf': '[dummy]\n\tdriver = dummy-ups\n\tport = dummy.dev\n',
      'dummy.dev': 'ups.status: OL\nbattery.charge: 100\n',
      'upsd.users': users,
    },
    ['dummy'],
  )
}

/** notify.sh ROLE "message" appends `ROLE TYPE UPSNAME`; shutdown.sh ROLE appends ROLE. */
export async function writeMarkerScripts(base: string): Promise<void> {
  await writeFile(
    join(base, 'notify.sh'),
    `#!/bin/sh\necho "$1 $NOTIFYTYPE $UPSNAME" >> ${base}/notify.log\n`,
    { mode: 0o755 },
  )
  await writeFile(join(base, 'shutdown.sh'), `#!/bin/sh\necho "$1" >> ${base}/shutdown.log\n`, {
    mode: 0o755,
  })
}

export function upsmonConf(options: {
  base: string
  port: number
  role: 'primary' | 'secondary'
  extra?: string
}): string {
  const { base, port, role } = options
  const [user, pass] = role === 'primary' ? ['monp', 'primarypass'] : ['mons', 'secpass']
  const events = ['ONLINE', 'ONBATT', 'LOWBATT', 'FSD', 'COMMOK', 'COMMBAD', 'SHUTDOWN', 'NOCOMM']
  return `MONITOR dummy@127.0.0.1:${port} 1 ${user} ${pass} ${role}
MINSUPPLIES 1
SHUTDOWNCMD "${base}/shutdown.sh ${role}"
NOTIFYCMD "${base}/notify.sh ${role}"
POLLFREQ 1
POLLFREQALERT 1
HOSTSYNC 8
DEADTIME 6
FINALDELAY ${role === 'primary' ? 1 : 0}
POWERDOWNFLAG ${base}/killpower-${role}
RUN_AS_USER root
${events.map((e) => `NOTIFYFLAG ${e} SYSLOG+EXEC`).join('\n')}
${options.extra ?? ''}
`
}

export async function readLines(path: string): Promise<string[]> {
  try {
    return (await readFile(path, 'utf8')).split('\n').filter((l) => l.length > 0)
  } catch {
    return []
  }
}

/** upsrw -s ups.status=...; retried while dummy-ups has not made it writable yet. */
export async function setStatus(nut: RealNut, status: string): Promise<void> {
  const args = ['-s', `ups.status=${status}`, '-u', 'admin', '-p', 'adminpass']
  await waitFor(
    async () => (await run(nutBinaries.upsrw, [...args, `dummy@127.0.0.1:${nut.port}`])).code === 0,
    { what: `upsrw -s ups.status=${status}` },
  )
}

/** How many clients upsd lists as logged in to `dummy`. */
export async function loginCount(nut: RealNut): Promise<number> {
  const result = await run(nutBinaries.upsc, ['-c', `dummy@127.0.0.1:${nut.port}`])
  return result.stdout.split('\n').filter((l) => l.trim().length > 0).length
}

export class Daemon {
  readonly output: string[] = []
  readonly child: ChildProcess
  constructor(command: string, args: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { env, cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
    this.child.stdout?.setEncoding('utf8').on('data', (d: string) => this.output.push(d))
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => this.output.push(d))
  }
  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null
  }
  async stop(): Promise<void> {
    await stopProcess(this.child)
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}

/** `nutshell monitor` from the sources. */
export function startNutshellMonitor(args: readonly string[], env: NodeJS.ProcessEnv): Daemon {
  return new Daemon(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'monitor', ...args],
    { ...env, NUTSHELL_LOG_LEVEL: 'debug' },
  )
}

/**
 * Real upsmon 2.8.0 in the foreground (-D). It forks a child that does the monitoring;
 * stop the child first, then the parent, and wait (its PID file path is fixed, so only one
 * may run at a time).
 */
export class RealUpsmon extends Daemon {
  private constructor(confFile: string, env: NodeJS.ProcessEnv) {
    super(nutBinaries.upsmon, ['-D', '-u', 'root', '-f', confFile], env)
  }

  /** Starts one once no other test (in any file) runs a real upsmon. */
  static async start(confFile: string, env: NodeJS.ProcessEnv): Promise<RealUpsmon> {
    await acquireUpsmonLock()
    return new RealUpsmon(confFile, env)
  }

  override async stop(): Promise<void> {
    try {
      await this.stopBoth()
    } finally {
      await releaseUpsmonLock()
    }
  }

  private async stopBoth(): Promise<void> {
    const pid = this.child.pid
    if (pid !== undefined && !this.exited) {
      const children = await run('/usr/bin/pgrep', ['-P', String(pid)])
      for (const line of children.stdout.split('\n')) {
        const childPid = Number.parseInt(line, 10)
        if (Number.isSafeInteger(childPid)) {
          try {
            process.kill(childPid, 'SIGTERM')
          } catch {}
          await waitFor(() => !processExists(childPid), {
            what: `upsmon child ${childPid} to exit`,
          }).catch(() => undefined)
        }
      }
    }
    await super.stop()
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
