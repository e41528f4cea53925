/**
 * GET and its sub-commands (dispatched as upsd does, by sub-commands.ts).
 */

import { nutVersion } from '../../core/version.ts'
import { typeWords } from '../../devices/variable.ts'
import { quote } from '../../protocol/encode.ts'
import { lineReply, varLine } from '../../protocol/net-reply.ts'
import { availableDevice, fail, isReply, knownDevice, reply } from './replies.ts'
import { type SubCommand, subCommands } from './sub-commands.ts'
import type { CommandContext, CommandFamily, Reply } from './types.ts'

/** Sub-commands needing the UPS name only (args: ups). */
const withUps: Record<string, SubCommand> = {
  UPSDESC([ups], context) {
    const device = knownDevice(context, ups as string)
    if (isReply(device)) return device
    return reply(lineReply(`UPSDESC ${ups} ${quote(device.description ?? 'Unavailable')}`))
  },
  NUMLOGINS([ups], context) {
    const device = availableDevice(context, ups as string)
    if (isReply(device)) return device
    return reply(lineReply(`NUMLOGINS ${ups} ${context.server.logins.count(device.name)}`))
  },
}

/** Sub-commands needing a UPS and a name (args: ups, name). */
const withName: Record<string, SubCommand> = {
  VAR([ups, name], context) {
    const variable = name as string
    if (variable.toLowerCase().startsWith('server.'))
      return serverVariable(ups as string, variable, context)
    const device = availableDevice(context, ups as string)
    if (isReply(device)) return device
    const value = device.getValue(variable)
    if (value === undefined) return fail('VAR-NOT-SUPPORTED')
    const served =
      device.fsdLatched && variable.toLowerCase() === 'ups.status' ? `FSD ${value}` : value
    return reply(varLine(ups as string, variable, served))
  },
  TYPE([ups, name], context) {
    const device = availableDevice(context, ups as string)
    if (isReply(device)) return device
    const variable = device.getVariable(name as string)
    if (variable === undefined) return fail('VAR-NOT-SUPPORTED')
    return reply(lineReply(`TYPE ${ups} ${name} ${typeWords(variable).join(' ')}`))
  },
  DESC([ups, name], context) {
    const device = availableDevice(context, ups as string)
    if (isReply(device)) return device
    // upsd answers from its table without checking that the variable exists.
    const text = context.server.descriptions.variable(name as string)
    return reply(lineReply(`DESC ${ups} ${name} ${quote(text ?? 'Description unavailable')}`))
  },
  CMDDESC([ups, name], context) {
    const device = availableDevice(context, ups as string)
    if (isReply(device)) return device
    const text = context.server.descriptions.command(name as string)
    return reply(lineReply(`CMDDESC ${ups} ${name} ${quote(text ?? 'Description unavailable')}`))
  },
}

/** `server.*` variables: the UPS name is not even looked up, as in upsd. */
function serverVariable(ups: string, name: string, context: CommandContext): Reply {
  switch (name.toLowerCase()) {
    case 'server.info':
      return reply(varLine(ups, 'server.info', context.server.versionText))
    case 'server.version':
      return reply(varLine(ups, 'server.version', nutVersion))
    default:
      return fail('VAR-NOT-SUPPORTED')
  }
}

function tracking(args: string[], { session, server }: CommandContext): Reply {
  const [id] = args
  if (id === undefined) return reply(lineReply(session.tracking ? 'ON' : 'OFF'))
  if (!session.tracking) return fail('FEATURE-NOT-CONFIGURED')
  return reply(lineReply(server.tracking.lookup(id)))
}

export const getCommands: CommandFamily = {
  GET: { needsCredentials: false, run: subCommands([{ TRACKING: tracking }, withUps, withName]) },
}
