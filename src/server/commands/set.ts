/**
 * SET VAR and SET TRACKING. A SET that passes upsd's checks is forwarded to the device's
 * driver and answered `OK` at once ("forwarded", not "applied", as upsd means it); with
 * tracking on, the answer carries an id whose result `GET TRACKING` reports later.
 */

import type { CommandOutcome } from '../../devices/command-result.ts'
import { validateSet } from '../../devices/set-validation.ts'
import { lineReply, okReply } from '../../protocol/net-reply.ts'
import { authorise } from './auth.ts'
import { availableDevice, fail, isReply, reply } from './replies.ts'
import type { CommandContext, CommandFamily, Reply } from './types.ts'

/** Answers a forwarded SET or INSTCMD: `OK`, or `OK TRACKING <id>` for a tracking client. */
export function forwarded(
  context: CommandContext,
  outcome: Promise<CommandOutcome>,
  what: Record<string, unknown>,
): Reply {
  const { session, server } = context
  if (session.tracking) {
    const id = server.tracking.track(outcome)
    server.log.info(
      { ...what, user: session.username, address: session.address, tracking: id },
      'forwarded to driver',
    )
    return reply(lineReply(`OK TRACKING ${id}`))
  }
  server.log.info(
    { ...what, user: session.username, address: session.address },
    'forwarded to driver',
  )
  void outcome.then((result) => {
    if (result !== 'SUCCESS')
      server.log.warn({ ...what, result }, 'driver did not carry out the request')
  })
  return reply(okReply)
}

function setVar([ups, name, value]: string[], context: CommandContext): Reply | Promise<Reply> {
  const device = availableDevice(context, ups as string)
  if (isReply(device)) return device
  return authorise(context, 'SET', () => {
    const refusal = validateSet(device, name as string, value as string)
    if (refusal !== undefined) return fail(refusal)
    const canonical = device.getVariable(name as string)?.name ?? (name as string)
    const outcome = device.requestSet(canonical, value as string)
    return forwarded(context, outcome, { ups: device.name, variable: canonical, value })
  })
}

function setTracking([value]: string[], { session }: CommandContext): Reply {
  switch ((value as string).toUpperCase()) {
    case 'ON':
      session.tracking = true
      return reply(okReply)
    case 'OFF':
      session.tracking = false
      return reply(okReply)
    default:
      return fail('INVALID-ARGUMENT')
  }
}

export const setCommands: CommandFamily = {
  SET: {
    needsCredentials: true,
    run(args, context) {
      const [sub, ...rest] = args
      if (sub === undefined || rest.length < 1) return fail('INVALID-ARGUMENT')
      switch (sub.toUpperCase()) {
        case 'VAR':
          return rest.length < 3 ? fail('INVALID-ARGUMENT') : setVar(rest, context)
        case 'TRACKING':
          return setTracking(rest, context)
        default:
          return fail('INVALID-ARGUMENT')
      }
    },
  },
}
