/**
 * LIST and its sub-commands. Each reply is built whole (BEGIN ... END) so the session
 * sends it in one write. Orders are upsd's: devices as configured, variables and commands
 * ascending without regard to case, enums and ranges as the driver added them.
 */

import { quote } from '../../protocol/encode.ts'
import { listReply, varLine } from '../../protocol/net-reply.ts'
import { availableDevice, fail, isReply, knownDevice, reply } from './replies.ts'
import type { CommandContext, CommandFamily, Reply } from './types.ts'

type Lister = (args: string[], context: CommandContext) => Reply

function listUps(context: CommandContext): Reply {
  const items = context.server.store
    .list()
    .map((d) => `UPS ${d.name} ${quote(d.description ?? 'Description unavailable')}\n`)
  return reply(listReply('UPS', items))
}

const withUps: Record<string, Lister> = {
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

const withName: Record<string, Lister> = {
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
  LIST: {
    needsCredentials: false,
    run(args, context) {
      const [sub, ...rest] = args
      if (sub === undefined) return fail('INVALID-ARGUMENT')
      const word = sub.toUpperCase()
      if (word === 'UPS') return listUps(context)
      if (rest.length < 1) return fail('INVALID-ARGUMENT')
      const one = withUps[word]
      if (one !== undefined) return one(rest, context)
      if (rest.length < 2) return fail('INVALID-ARGUMENT')
      const two = withName[word]
      if (two !== undefined) return two(rest, context)
      return fail('INVALID-ARGUMENT')
    },
  },
}
