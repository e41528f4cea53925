import type { CommandSpec, NotifyFlag } from '../config/types.ts'
import type { Logger } from '../core/log.ts'
import type { NotifyEvent } from '../devices/notify-events.ts'
import { type ChannelOverride, notifyChannels } from './channels/index.ts'
import type { NotifyChannel } from './notify-channel.ts'
import { flagsFor, messageFor } from './notify-messages.ts'
import type { CommandRunner } from './run-command.ts'

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
  syslog?: ChannelOverride
  wall?: ChannelOverride
  /** Replaces the registered channels (a new channel under test). */
  channels?: readonly NotifyChannel[]
  /** Service channels (notify.channels), which choose by type themselves. */
  serviceChannels?: readonly NotifyChannel[]
}

/**
 * Delivers notifications the way upsmon does: per type, the NOTIFYFLAG channels, each
 * with the NOTIFYMSG text. Delivery never blocks the monitor: every channel works in the
 * background, and EXEC (NOTIFYCMD, the action people wait for) is started first.
 */
export class Notifier {
  private readonly options: NotifierOptions
  private readonly channels: readonly NotifyChannel[]
  private readonly pending = new Set<Promise<void>>()

  constructor(options: NotifierOptions) {
    this.options = options
    this.channels =
      options.channels ??
      notifyChannels({
        log: options.log,
        runner: options.runner,
        notifyCommand: options.notifyCommand,
        ...(options.syslog === undefined ? {} : { syslog: options.syslog }),
        ...(options.wall === undefined ? {} : { wall: options.wall }),
      })
  }

  notify(type: NotifyEvent, upsName: string, detail = ''): Notification {
    const flags = flagsFor(type, this.options.notifyFlags)
    const message = messageFor(type, upsName, this.options.notifyMessages, detail)
    const notification: Notification = { type, upsName, message, flags }
    this.options.log.info({ notify: type, ups: upsName || undefined, flags }, message)
    const ordered = [...flags].sort((a, b) => Number(b === 'EXEC') - Number(a === 'EXEC'))
    const notice = { type, ups: upsName, text: message }
    for (const flag of ordered) {
      for (const channel of this.channels) {
        if (channel.accepts === undefined && channel.name === flag)
          this.track(channel.deliver(notice))
      }
    }
    // Each service channel has its own queue: a dead one delays nothing here.
    for (const channel of [...this.channels, ...(this.options.serviceChannels ?? [])]) {
      if (channel.accepts?.(type) === true) this.track(channel.deliver(notice))
    }
    return notification
  }

  /** Resolves when every delivery started so far has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending])
  }

  private track(delivery: Promise<void>): void {
    const settled = delivery.catch((error: unknown) =>
      this.options.log.error({ err: error }, 'notification channel failed'),
    )
    this.pending.add(settled)
    void settled.then(() => this.pending.delete(settled))
  }
}
