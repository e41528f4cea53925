import type { CommandSpec } from '../../config/types.ts'
import type { Logger } from '../../core/log.ts'
import type { Notice, NotifyChannel } from '../notify-channel.ts'
import type { CommandRunner } from '../run-command.ts'

/**
 * EXEC: runs NOTIFYCMD as upsmon does, the text as its argument and NOTIFYTYPE and
 * UPSNAME in its environment, through the bounded, queued runner.
 */
export function execChannel(options: {
  runner: Pick<CommandRunner, 'run'>
  command: CommandSpec | undefined
  log: Logger
}): NotifyChannel {
  return {
    name: 'EXEC',
    async deliver(notice: Notice): Promise<void> {
      if (options.command === undefined) {
        options.log.warn({ notify: notice.type }, 'EXEC flag set but no NOTIFYCMD configured')
        return
      }
      const result = await options.runner.run({
        spec: options.command,
        args: [notice.text],
        env: { NOTIFYTYPE: notice.type, UPSNAME: notice.ups },
        label: `NOTIFYCMD ${notice.type}`,
      })
      if (result.spawnError !== undefined)
        options.log.error({ notify: notice.type, err: result.spawnError }, 'NOTIFYCMD failed')
    },
  }
}
