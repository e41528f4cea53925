/**
 * apcupsd's NIS framing (reference: integrations.md 1.1): every message is a 2-byte
 * big-endian length and that many bytes; a zero-length message ends a reply. Requests are
 * `status` or `events`; each line of a reply is its own message.
 *
 * Pure: bytes in, typed messages out; never throws. Memory is bounded by `maxLength`: a
 * longer message is reported once as `too-long` and the reader stops (NIS has no way to
 * find the next frame in a stream, so the caller closes the connection).
 */

export type NisItem =
  | { kind: 'message'; bytes: Uint8Array }
  | { kind: 'end' } // the zero-length message
  | { kind: 'too-long'; length: number }

export function encodeNisMessage(text: string | Uint8Array): Uint8Array {
  const body = typeof text === 'string' ? new TextEncoder().encode(text) : text
  const length = Math.min(body.length, 0xffff)
  const out = new Uint8Array(length + 2)
  out[0] = length >> 8
  out[1] = length & 0xff
  out.set(body.subarray(0, length), 2)
  return out
}

/** The message that ends a reply. */
export const nisEnd = Uint8Array.of(0, 0)

export class NisReader {
  private readonly maxLength: number
  private header = -1 // first length byte while only one has arrived
  private body: Uint8Array | undefined
  private filled = 0
  private failed = false

  constructor(maxLength: number) {
    this.maxLength = maxLength
  }

  /** True once a too-long message was seen: nothing more is read. */
  get broken(): boolean {
    return this.failed
  }

  push(chunk: Uint8Array): NisItem[] {
    const items: NisItem[] = []
    let at = 0
    while (at < chunk.length && !this.failed) {
      if (this.body === undefined) {
        const byte = chunk[at++] as number
        if (this.header < 0) {
          this.header = byte
          continue
        }
        const length = (this.header << 8) | byte
        this.header = -1
        if (length === 0) {
          items.push({ kind: 'end' })
          continue
        }
        if (length > this.maxLength) {
          this.failed = true
          items.push({ kind: 'too-long', length })
          break
        }
        this.body = new Uint8Array(length)
        this.filled = 0
        continue
      }
      const take = Math.min(this.body.length - this.filled, chunk.length - at)
      this.body.set(chunk.subarray(at, at + take), this.filled)
      this.filled += take
      at += take
      if (this.filled === this.body.length) {
        items.push({ kind: 'message', bytes: this.body })
        this.body = undefined
      }
    }
    return items
  }
}
