import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/log.ts'
import type { Notice, NotifyChannel } from '../notify-channel.ts'
import { postWebhook } from '../webhook.ts'

/** POSTs every notice as JSON `{device, event, text, time}` (postWebhook never rejects). */
export function webhookChannel(url: string, options: { clock: Clock; log: Logger }): NotifyChannel {
  return {
    name: 'webhook',
    async deliver(notice: Notice): Promise<void> {
      const payload = {
        device: notice.ups,
        event: notice.type,
        text: notice.text,
        time: new Date(options.clock.wallNow()).toISOString(),
      }
      await postWebhook(url, payload, options)
    },
  }
}
