/**
 * INSTCMD <ups> <cmd> [<param>]: upsd's checks in upsd's order. The parameter is used
 * only when exactly three arguments are given (upsd drops it silently otherwise).
 */
import { availableDevice, fail, isReply } from './replies.ts'
import { forwarded } from './set.ts'
import type { CommandFamily } from './types.ts'

export const instcmdCommands: CommandFamily = {
  INSTCMD: {
    needsCredentials: true,
    run(args, context) {
      const [ups, command, parameter] = args
      if (ups === undefined || command === undefined) return fail('INVALID-ARGUMENT')
      const device = availableDevice(context, ups)
      if (isReply(device)) return device
      if (!device.hasCommand(command)) return fail('CMD-NOT-SUPPORTED')
      const { session, server } = context
      switch (server.users.checkInstcmd(session.username, session.password, command)) {
        case 'not-permitted':
          return fail('ACCESS-DENIED')
        case 'bad-credentials':
          return server.credentialsRefused(session)
        case 'granted':
          break
      }
      const wanted = command.toLowerCase()
      const canonical = device.listCommands().find((c) => c.toLowerCase() === wanted) ?? command
      const param = args.length === 3 ? parameter : undefined
      const outcome = device.requestInstantCommand(canonical, param)
      return forwarded(context, outcome, { ups: device.name, command: canonical, parameter: param })
    },
  },
}
