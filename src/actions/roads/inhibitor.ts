/**
 * A logind `delay` inhibitor lock held by a `systemd-inhibit` child (docs/privilege.md,
 * "logind"). Node cannot receive the file descriptor `Inhibit` returns (no SCM_RIGHTS,
 * and dbus-next's native fd support does not build on Node 20), so the child holds it:
 *
 *   systemd-inhibit --what=shutdown:sleep --who=nutshell --why=... --mode=delay \
 *     /bin/sh -c 'echo held; exec cat >/dev/null'
 *
 * systemd-inhibit runs the command only once it holds the lock, so the `held` line is the
 * proof it was granted. The command waits on its stdin, a pipe from this process: when we
 * end it, or when this process dies however it dies, `cat` sees end of file, exits, and
 * the lock goes with it. A lock can therefore never outlive the broker.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/log.ts'

export interface InhibitorOptions {
  log: Logger
  clock: Clock
  /** Default /usr/bin/systemd-inhibit. */
  program?: string
  what?: string
  who?: string
  why?: string
  /** The bus to use ($DBUS_SYSTEM_BUS_ADDRESS for the child); default the system bus. */
  busAddress?: string | undefined
  /** How long to wait for the lock to be granted (default 5 s). */
  timeoutMs?: number
}

export class InhibitorLock {
  private readonly options: InhibitorOptions
  private child: ChildProcess | undefined

  constructor(options: InhibitorOptions) {
    this.options = options
  }

  get held(): boolean {
    return this.child !== undefined
  }

  /** Takes the lock; false (and one log line saying why) when logind did not grant it. */
  async take(): Promise<boolean> {
    if (this.child !== undefined) return true
    const o = this.options
    const env = { ...process.env }
    if (o.busAddress !== undefined) env['DBUS_SYSTEM_BUS_ADDRESS'] = o.busAddress
    const child = spawn(
      o.program ?? '/usr/bin/systemd-inhibit',
      [
        `--what=${o.what ?? 'shutdown:sleep'}`,
        `--who=${o.who ?? 'nutshell'}`,
        `--why=${o.why ?? 'finishing the power-cut sequence'}`,
        '--mode=delay',
        '/bin/sh',
        '-c',
        'echo held; exec cat >/dev/null',
      ],
      { env, stdio: ['pipe', 'pipe', 'pipe'] },
    )
    child.stdin?.on('error', () => {})
    let stderr = ''
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 2000) stderr += d
    })
    const granted = await new Promise<boolean>((resolve) => {
      const timer = o.clock.setTimeout(() => resolve(false), o.timeoutMs ?? 5000)
      const done = (value: boolean) => {
        timer.cancel()
        resolve(value)
      }
      child.stdout?.setEncoding('utf8').on('data', (d: string) => {
        if (d.includes('held')) done(true)
      })
      child.once('error', (error) => {
        stderr += error.message
        done(false)
      })
      child.once('exit', () => done(false))
    })
    if (!granted) {
      child.kill('SIGTERM')
      o.log.error(
        { program: o.program ?? '/usr/bin/systemd-inhibit', detail: stderr.trim() },
        'logind did not grant the delay inhibitor lock; shutdown will not wait for nutshell',
      )
      return false
    }
    child.once('exit', () => {
      if (this.child === child) this.child = undefined
    })
    this.child = child
    return true
  }

  /** Releases the lock and waits until the holder has gone (SIGTERM after 2 s if it lingers). */
  async release(): Promise<void> {
    const child = this.child
    if (child === undefined) return
    this.child = undefined
    if (child.exitCode !== null || child.signalCode !== null) return
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.stdin?.end()
    const timer = this.options.clock.setTimeout(() => child.kill('SIGTERM'), 2000)
    await gone
    timer.cancel()
  }
}
