import { existsSync } from 'node:fs'
import type { CommandRunner, RunResult } from '../actions/run-command.ts'
import type { CommandSpec, NotifyFlag } from '../config/types.ts'
import type { Logger } from '../core/log.ts'
import type { NotifyEvent } from './notify-events.ts'
import { flagsFor, messageFor } from './notify-messages.ts'

/** One notification as the monitor raised it, for listeners (tests, web, rules). */
export interface Notification {
  type: NotifyEvent
  /** MONITOR system string; empty for SHUTDOWN, NOPARENT and SHUTDOWN_HOSTSYNC. */
  upsName: string
  message: string
  flags: readonly NotifyFlag[]
}

export interface NotifierOptions {
  log: Logger
  runner: Pick<CommandRunner, 'run'>
  notifyCommand?: CommandSpec | undefined
  notifyFlags: Readonly<Record<string, readonly NotifyFlag[]>>
  notifyMessages: Readonly<Record<string, string>>
  /**
   * How SYSLOG and WALL are delivered. By default SYSLOG is a structured log line plus
   * `logger -t nutshell-monitor` when that program exists, and WALL runs `wall` when it
   * exists. Tests pass functions (or `false` to turn a channel off).
   */
  syslog?: ((message: string, type: NotifyEvent) => void) | false
  wall?: ((message: string) => void) | false
}

const loggerPath = ['/usr/bin/logger', '/bin/logger'].find((p) => existsSync(p))
const wallPath = ['/usr/bin/wall', '/bin/wall'].find((p) => existsSync(p))

/**
 * Delivers notifications the way upsmon does: per type, the NOTIFYFLAG channels, each
 * with the NOTIFYMSG text. EXEC runs NOTIFYCMD with NOTIFYTYPE and UPSNAME in its
 * environment and the message as its argument. Delivery never blocks the monitor:
 * commands go to the bounded, queued CommandRunner.
 */
export class Notifier {
  private readonly options: NotifierOptions
  private readonly pending = new Set<Promise<RunResult>>()

  constructor(options: NotifierOptions) {
    this.options = options
  }

  notify(type: NotifyEvent, upsName: string, detail = ''): Notification {
    const flags = flagsFor(type, this.options.notifyFlags)
    const message = messageFor(type, upsName, this.options.notifyMessages, detail)
    const notification: Notification = { type, upsName, message, flags }
    this.options.log.info({ notify: type, ups: upsName || undefined, flags }, message)
    // NOTIFYCMD first: it is the action people wait for; logger and wall can follow.
    const ordered = [...flags].sort((a, b) => Number(b === 'EXEC') - Number(a === 'EXEC'))
    for (const flag of ordered) {
      switch (flag) {
        case 'SYSLOG':
          this.syslog(message, type)
          break
        case 'WALL':
          this.wall(message)
          break
        case 'EXEC':
          this.exec(type, upsName, message)
          break
        case 'IGNORE':
          break
      }
    }
    return notification
  }

  /** Resolves when every command started so far has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending])
  }

  private exec(type: NotifyEvent, upsName: string, message: string): void {
    const spec = this.options.notifyCommand
    if (spec === undefined) {
      this.options.log.warn({ notify: type }, 'EXEC flag set but no NOTIFYCMD configured')
      return
    }
    this.track(
      this.options.runner.run({
        spec,
        args: [message],
        env: { NOTIFYTYPE: type, UPSNAME: upsName },
        label: `NOTIFYCMD ${type}`,
      }),
    )
  }

  private syslog(message: string, type: NotifyEvent): void {
    const custom = this.options.syslog
    if (custom === false) return
    if (custom !== undefined) {
      custom(message, type)
      return
    }
    if (loggerPath === undefined) return
    const path = loggerPath
    this.later(() =>
      this.options.runner.run({
        spec: { argv: [path, '-t', 'nutshell-monitor', '-p', 'daemon.warning', '--'] },
        args: [message],
        label: 'logger',
        timeoutMs: 5_000,
      }),
    )
  }

  private wall(message: string): void {
    const custom = this.options.wall
    if (custom === false) return
    if (custom !== undefined) {
      custom(message)
      return
    }
    if (wallPath === undefined) return
    const path = wallPath
    this.later(() =>
      this.options.runner.run({
        spec: { argv: [path] },
        args: [message],
        label: 'wall',
        timeoutMs: 5_000,
      }),
    )
  }

  /**
   * logger and wall start on the next turn of the event loop: spawning a child blocks the
   * thread for milliseconds, and NOTIFYCMD and, in a shutdown, SHUTDOWNCMD go first.
   */
  private later(start: () => Promise<RunResult>): void {
    this.track(
      new Promise<RunResult>((resolve, reject) => {
        setImmediate(() => start().then(resolve, reject))
      }),
    )
  }

  private track(run: Promise<RunResult>): void {
    this.pending.add(run)
    void run.then(() => this.pending.delete(run))
  }
}
