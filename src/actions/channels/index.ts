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

import type { NotifyConfig } from '../../config/schema/notify.ts'
import { ChannelQueue } from './channel-queue.ts'
import { DeadLetterLog } from './dead-letter.ts'
import { emailSend } from './email.ts'
import { httpSend } from './http-services.ts'

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

/**
 * The service channels of `notify.channels` (ntfy, gotify, telegram, discord, slack,
 * email), each on its own queue. Built once per broker: the monitor and the rules share
 * them, and so share each channel's rate limit.
 */
export function serviceChannels(
  config: NotifyConfig,
  options: { clock?: Clock; log: Logger; resolvePath: (path: string) => string },
): ChannelQueue[] {
  const clock = options.clock ?? systemClock
  const log = options.log.child({ face: 'notify' })
  const deadLetters = new DeadLetterLog({
    file:
      config.deadLetterFile === undefined ? undefined : options.resolvePath(config.deadLetterFile),
    max: config.deadLetterMax,
    log,
  })
  return (config.channels ?? []).map(
    (channel) =>
      new ChannelQueue({
        name: channel.name,
        events: channel.events ?? 'all',
        template: channel.template,
        rateLimit: channel.rateLimit,
        retries: channel.retries,
        retryDelayMs: channel.retryDelay,
        timeoutMs: channel.timeout,
        send:
          channel.type === 'email' ? emailSend(channel, options.resolvePath) : httpSend(channel),
        clock,
        log,
        deadLetters,
      }),
  )
}
