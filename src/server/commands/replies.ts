import { Device } from '../../devices/device.ts'
import { errorReply } from '../../protocol/net-reply.ts'
import type { WireError } from '../../protocol/wire-errors.ts'
import type { CommandContext, Reply } from './types.ts'

export function reply(text: string): Reply {
  return { text }
}

export function fail(word: WireError): Reply {
  return { text: errorReply(word) }
}

/**
 * upsd's "is the data available" check, where upsd applies it: no driver link →
 * DRIVER-NOT-CONNECTED; stale data → DATA-STALE. Undefined when the data may be served.
 */
export function unavailable(device: Device): Reply | undefined {
  switch (device.commState) {
    case 'ok':
      return undefined
    case 'lost':
      return fail('DRIVER-NOT-CONNECTED')
    case 'stale':
      return fail('DATA-STALE')
  }
}

/**
 * The device a request names (by the client's spelling, without regard to case), or
 * upsd's `ERR UNKNOWN-UPS` when there is none. Every command that takes a UPS name looks it
 * up here, so the rule is in one place. Callers test the answer with `isReply`.
 */
export function knownDevice(context: CommandContext, name: string): Device | Reply {
  return context.server.store.get(name) ?? fail('UNKNOWN-UPS')
}

/** `knownDevice`, then upsd's availability check (`unavailable`) on what it found. */
export function availableDevice(context: CommandContext, name: string): Device | Reply {
  const device = knownDevice(context, name)
  if (isReply(device)) return device
  return unavailable(device) ?? device
}

/** Whether a lookup above answered with an error reply instead of a device. */
export function isReply(found: Device | Reply): found is Reply {
  return !(found instanceof Device)
}
