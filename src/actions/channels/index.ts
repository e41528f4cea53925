/**
 * The one place notify channels are registered. A new channel (desktop notifications,
 * ntfy, e-mail, MQTT, ...) is one file beside these, implementing NotifyChannel, and one
 * line here saying what in the configuration turns it on.
 */
import type { CommandSpec } from '../../config/types.ts'
import { type Clock, systemClock } from '../../core/clock.ts'
import type { Logger } from '../../core/log.ts'
import type { NotifyChannel } from '../notify-channel.ts'
import type { CommandRunner } from '../run-command.ts'
import { execChannel } from './exec.ts'
import { type ChannelOverride, syslogChannel, wallChannel } from './system-tools.ts'
import { webhookChannel } from './webhook.ts'

export type { ChannelOverride } from './system-tools.ts'

export interface ChannelSettings {
  /** For webhook timeouts and timestamps (default the system clock). */
  clock?: Clock
  log: Logger
  runner: Pick<CommandRunner, 'run'>
  /** NOTIFYCMD (the EXEC channel). */
  notifyCommand?: CommandSpec | undefined
  /** Webhooks every notice is POSTed to. */
  webhooks?: readonly string[]
  /** SYSLOG / WALL replaced by a function, or turned off (tests). */
  syslog?: ChannelOverride
  wall?: ChannelOverride
}

export function notifyChannels(settings: ChannelSettings): NotifyChannel[] {
  const { log, runner } = settings
  const clock = settings.clock ?? systemClock
  return [
    execChannel({ runner, command: settings.notifyCommand, log }),
    syslogChannel(runner, settings.syslog),
    wallChannel(runner, settings.wall),
    ...(settings.webhooks ?? []).map((url) => webhookChannel(url, { clock, log })),
  ]
}
