/** VER, NETVER/PROTVER, HELP, LOGOUT: the commands that take no argument. */
import { lineReply } from '../../protocol/net-reply.ts'
import { fail, reply } from './replies.ts'
import type { CommandFamily, CommandSpec } from './types.ts'

/** Protocol version of NUT 2.8.0 (RFC 9271). */
export const protocolVersion = '1.3'

/** upsd 2.8.0's HELP text; clients never parse it, but some show it. */
export const helpText =
  'Commands: HELP VER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD STARTTLS'

function noArguments(text: (spec: Parameters<CommandSpec['run']>[1]) => string): CommandSpec {
  return {
    needsCredentials: false,
    run: (args, context) =>
      args.length === 0 ? reply(lineReply(text(context))) : fail('INVALID-ARGUMENT'),
  }
}

const netver = noArguments(() => protocolVersion)

export const basicCommands: CommandFamily = {
  VER: noArguments((context) => context.server.versionText),
  NETVER: netver,
  PROTVER: netver,
  HELP: noArguments(() => helpText),
  LOGOUT: {
    needsCredentials: false,
    run: (args) =>
      args.length === 0
        ? { text: lineReply('OK Goodbye'), after: 'close' }
        : fail('INVALID-ARGUMENT'),
  },
}
