/**
 * LIST and its sub-commands. Each reply is built whole (BEGIN ... END) so the session
 * sends it in one write. Orders are upsd's: devices as configured, variables and commands
 * ascending without regard to case, enums and ranges as the driver added them.
 */

import { quote } from '../../protocol/encode.ts'
import { listReply, varLine } from '../../protocol/net-reply.ts'
import { availableDevice, fail, isReply, knownDevice, reply } from './replies.ts'
import { type SubCommand, subCommands } from './sub-commands.ts'
import type { CommandContext, CommandFamily, Reply } from './types.ts'

function listUps(_args: string[], context: CommandContext): Reply {
  const items = context.server.store
    .list()
    .map((d) => `UPS ${d.name} ${quote(d.description ?? 'Description unavailable')}\n`)
  return reply(listReply('UPS', items))
}

const withUps: Record<string, SubCommand> = {
  VAR([ups], context) {
    const found = availableDevice(context, ups as string)
    if (isReply(found)) return found
    const items = found.listVariables().map((v) => {
      const value =
        found.fsdLatched && v.name.toLowerCase() === 'ups.status' ? `FSD ${v.value}` : v.value
      return varLine(ups as string, v.name, value)
    })
    return reply(listReply(`VAR ${ups}`, items))
  },
  RW([ups], context) {
    const found = availableDevice(context, ups as string)
    if (isReply(found)) return found
    const items = found
      .listVariables()
      .filter((v) => v.writable)
      .map((v) => `RW ${ups} ${v.name} ${quote(v.value)}\n`)
    return reply(listReply(`RW ${ups}`, items))
  },
  CMD([ups], context) {
    const found = availableDevice(context, ups as string)
    if (isReply(found)) return found
    const items = found.listCommands().map((c) => `CMD ${ups} ${c}\n`)
    return reply(listReply(`CMD ${ups}`, items))
  },
  CLIENT([ups], context) {
    // Not availability-checked: upsd lists clients while the driver is down.
    const device = knownDevice(context, ups as string)
    if (isReply(device)) return device
    const items = context.server.logins
      .sessions(device.name)
      .map((s) => `CLIENT ${device.name} ${s.address}\n`)
    return reply(listReply(`CLIENT ${ups}`, items))
  },
}

const withName: Record<string, SubCommand> = {
  ENUM([ups, name], context) {
    const found = availableDevice(context, ups as string)
    if (isReply(found)) return found
    const variable = found.getVariable(name as string)
    if (variable === undefined) return fail('VAR-NOT-SUPPORTED')
    const items = variable.enums.map((e) => `ENUM ${ups} ${name} ${quote(e)}\n`)
    return reply(listReply(`ENUM ${ups} ${name}`, items))
  },
  RANGE([ups, name], context) {
    const found = availableDevice(context, ups as string)
    if (isReply(found)) return found
    const variable = found.getVariable(name as string)
    if (variable === undefined) return fail('VAR-NOT-SUPPORTED')
    const items = variable.ranges.map(
      (r) => `RANGE ${ups} ${name} ${quote(String(r.min))} ${quote(String(r.max))}\n`,
    )
    return reply(listReply(`RANGE ${ups} ${name}`, items))
  },
}

export const listCommands: CommandFamily = {
  LIST: { needsCredentials: false, run: subCommands([{ UPS: listUps }, withUps, withName]) },
}
