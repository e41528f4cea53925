/**
 * nutshell's push extension (docs/protocol.md, "Push extension"): a client that sends
 * `WATCH <ups>` gets, on that connection only, a `PUSH ...` line for every later change of
 * that UPS, so a remote monitor learns of a power cut in milliseconds instead of on its
 * next poll. Nothing is ever pushed to a connection that did not ask, so NUT clients never
 * see it; real upsd answers `ERR UNKNOWN-COMMAND` and a client falls back to polling.
 *
 *   WATCH <ups>    → OK, then at once PUSH STATE and PUSH VAR <ups> ups.status (a snapshot)
 *   UNWATCH <ups>  → OK
 *   PUSH VAR <ups> <name> "<value>"   a variable changed (ups.status with FSD when latched)
 *   PUSH DEL <ups> <name>             a variable went away
 *   PUSH STATE <ups> OK|STALE|LOST    the device's data became fresh, stale or unreachable
 */

import type { Device, DeviceChange } from '../../devices/device.ts'
import { quote } from '../../protocol/encode.ts'
import { fail, isReply, knownDevice, reply } from './replies.ts'
import type { CommandContext, CommandFamily } from './types.ts'

const watches = new WeakMap<CommandContext['connection'], Map<string, () => void>>()

function stateWord(device: Device | undefined): string {
  if (device === undefined) return 'LOST'
  switch (device.commState) {
    case 'ok':
      return 'OK'
    case 'stale':
      return 'STALE'
    case 'lost':
      return 'LOST'
  }
}

function statusLine(ups: string, device: Device): string {
  const raw = device.getValue('ups.status') ?? ''
  const served = device.fsdLatched ? (raw.length > 0 ? `FSD ${raw}` : 'FSD') : raw
  return `PUSH VAR ${ups} ups.status ${quote(served)}\n`
}

/** The lines a change gives, or '' when the watcher does not need it. */
function pushLines(ups: string, change: DeviceChange, device: Device | undefined): string {
  switch (change.kind) {
    case 'variable':
      if (change.name.toLowerCase() === 'ups.status' && device !== undefined) {
        return statusLine(ups, device)
      }
      return `PUSH VAR ${ups} ${change.name} ${quote(change.value)}\n`
    case 'variable-removed':
      return `PUSH DEL ${ups} ${change.name}\n`
    case 'comm':
    case 'device-added':
    case 'device-removed':
      return `PUSH STATE ${ups} ${stateWord(device)}\n`
    case 'fsd':
      return device === undefined ? '' : statusLine(ups, device)
    case 'metadata':
    case 'commands':
    case 'batch-end':
      return ''
  }
}

export const watchCommands: CommandFamily = {
  WATCH: {
    needsCredentials: false,
    run(args, context) {
      const [ups] = args
      if (ups === undefined || args.length !== 1) return fail('INVALID-ARGUMENT')
      const store = context.server.store
      const device = knownDevice(context, ups)
      if (isReply(device)) return device
      let mine = watches.get(context.connection)
      if (mine === undefined) {
        mine = new Map()
        watches.set(context.connection, mine)
        const all = mine
        context.connection.onClose(() => {
          for (const stop of all.values()) stop()
          all.clear()
        })
      }
      const key = device.name.toLowerCase()
      if (!mine.has(key)) {
        const stop = store.onChange((change) => {
          if (change.device.toLowerCase() !== key) return
          const lines = pushLines(ups, change, store.get(key))
          if (lines.length > 0) context.connection.send(lines)
        })
        mine.set(key, stop)
      }
      const snapshot = `PUSH STATE ${ups} ${stateWord(device)}\n${
        device.commState === 'ok' ? statusLine(ups, device) : ''
      }`
      return reply(`OK\n${snapshot}`)
    },
  },
  UNWATCH: {
    needsCredentials: false,
    run(args, context) {
      const [ups] = args
      if (ups === undefined || args.length !== 1) return fail('INVALID-ARGUMENT')
      const mine = watches.get(context.connection)
      const key = ups.toLowerCase()
      mine?.get(key)?.()
      mine?.delete(key)
      return reply('OK\n')
    },
  },
}
