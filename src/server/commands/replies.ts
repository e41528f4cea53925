import type { Device } from '../../devices/device.ts'
import { errorReply } from '../../protocol/net-reply.ts'
import type { WireError } from '../../protocol/wire-errors.ts'
import type { Reply } from './types.ts'

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
