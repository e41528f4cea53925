/**
 * USERNAME, PASSWORD, LOGIN, PRIMARY/MASTER and FSD, with upsd's checks in upsd's order.
 * USERNAME and PASSWORD are only remembered; the password is checked when an action is
 * authorised.
 */
import type { UserAction } from '../../config/types.ts'
import { lineReply, okReply } from '../../protocol/net-reply.ts'
import type { WireError } from '../../protocol/wire-errors.ts'
import { fail, isReply, knownDevice, reply } from './replies.ts'
import type { CommandContext, CommandFamily, CommandSpec, Reply } from './types.ts'

/** Checks `action` for this connection's user; a credentials failure is slowed and logged. */
export function authorise(
  context: CommandContext,
  action: UserAction,
  granted: () => Reply,
): Reply | Promise<Reply> {
  const { session, server } = context
  switch (server.users.checkAction(session.username, session.password, action)) {
    case 'granted':
      return granted()
    case 'not-permitted':
      return fail('ACCESS-DENIED')
    case 'bad-credentials':
      return server.credentialsRefused(session)
  }
}

/** USERNAME or PASSWORD: taken once per connection, checked only when an action needs it. */
function remember(field: 'username' | 'password', already: WireError): CommandSpec {
  return {
    needsCredentials: false,
    run(args, { session }) {
      if (args.length !== 1) return fail('INVALID-ARGUMENT')
      if (session[field] !== undefined) return fail(already)
      session[field] = args[0]
      return reply(okReply)
    },
  }
}

const login: CommandSpec = {
  needsCredentials: true,
  run(args, context) {
    const [name] = args
    if (args.length !== 1 || name === undefined) return fail('INVALID-ARGUMENT')
    const { session, server } = context
    if (session.loginUps !== undefined) return fail('ALREADY-LOGGED-IN')
    const device = knownDevice(context, name)
    if (isReply(device)) return device
    return authorise(context, 'LOGIN', () => {
      session.loginUps = device.name
      server.logins.add(device.name, session)
      server.log.info(
        { user: session.username, address: session.address, ups: device.name },
        'client logged in',
      )
      return reply(okReply)
    })
  },
}

function primary(word: 'PRIMARY' | 'MASTER'): CommandSpec {
  return {
    needsCredentials: true,
    run(args, context) {
      const [name] = args
      if (args.length !== 1 || name === undefined) return fail('INVALID-ARGUMENT')
      const device = knownDevice(context, name)
      if (isReply(device)) return device
      // A permission probe only: nothing changes on the server.
      return authorise(context, 'PRIMARY', () => reply(lineReply(`OK ${word}-GRANTED`)))
    },
  }
}

const fsd: CommandSpec = {
  needsCredentials: true,
  run(args, context) {
    const [name] = args
    if (args.length !== 1 || name === undefined) return fail('INVALID-ARGUMENT')
    const device = knownDevice(context, name)
    if (isReply(device)) return device
    return authorise(context, 'FSD', () => {
      context.server.log.warn(
        { user: context.session.username, address: context.session.address, ups: device.name },
        'client set FSD',
      )
      device.latchFsd()
      return reply(lineReply('OK FSD-SET'))
    })
  },
}

export const authCommands: CommandFamily = {
  USERNAME: remember('username', 'ALREADY-SET-USERNAME'),
  PASSWORD: remember('password', 'ALREADY-SET-PASSWORD'),
  LOGIN: login,
  PRIMARY: primary('PRIMARY'),
  MASTER: primary('MASTER'),
  FSD: fsd,
}
