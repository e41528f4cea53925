import type { HelperSend } from '../helper-pipe-road.ts'
import type { Notice, NotifyChannel } from '../notify-channel.ts'

/**
 * EXEC under the privileged helper: NOTIFYCMD cannot run in the jail (no child processes),
 * so the notice becomes a notify frame and the helper runs its own NOTIFYCMD, with its own
 * NOTIFYFLAG and message table. Only the type and the UPS name cross the pipe; the text
 * stays here (the helper writes its own).
 */
export function helperNotifyChannel(send: HelperSend): NotifyChannel {
  return {
    name: 'EXEC',
    async deliver(notice: Notice): Promise<void> {
      send({ kind: 'notify', notifyType: notice.type, name: notice.ups })
    },
  }
}
