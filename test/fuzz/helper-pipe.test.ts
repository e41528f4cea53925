import assert from 'node:assert/strict'
import { describe } from 'node:test'
import fc from 'fast-check'
import { encodeFrame } from '../../src/protocol/helper-pipe/frame-encode.ts'
import { FrameReader } from '../../src/protocol/helper-pipe/frame-reader.ts'
import {
  type FrameRequest,
  isNameByte,
  maxNameLength,
  type PowerRequest,
  powerRequestCodes,
} from '../../src/protocol/helper-pipe/frame-types.ts'
import { notifyTypes } from '../../src/protocol/nut-config/notify-types.ts'
import { chunked, fuzz, sizeOf } from '../helpers/fuzz.ts'

// The privileged helper's pipe (src/protocol/helper-pipe): the one door from the jailed,
// network-facing broker to root. Whatever bytes the child writes, the helper reads only
// whole frames of its fixed table, exactly as written, in fixed memory.
const nameChars = Array.from({ length: 0x7f }, (_, i) => i)
  .filter(isNameByte)
  .map((b) => String.fromCharCode(b))
const name = fc.string({ unit: fc.constantFrom(...nameChars), maxLength: maxNameLength })
const request: fc.Arbitrary<FrameRequest> = fc.oneof(
  fc.record({
    kind: fc.constant('power' as const),
    request: fc.constantFrom(...(Object.keys(powerRequestCodes) as PowerRequest[])),
    name,
  }),
  fc.record({
    kind: fc.constant('notify' as const),
    notifyType: fc.constantFrom(...notifyTypes),
    name,
  }),
)

function encoded(r: FrameRequest): Uint8Array {
  const result = encodeFrame(r)
  assert.ok(result.ok, 'a request of the table encodes')
  return result.bytes
}

/** Valid frames, whole or cut short, among random bytes and framing bytes. */
const segment = fc.oneof(
  { weight: 3, arbitrary: request.map((r) => ({ frame: r, bytes: encoded(r) })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(request, fc.nat())
      .map(([r, cut]) => ({ frame: undefined, bytes: encoded(r).subarray(0, 1 + (cut % 3)) })),
  },
  {
    weight: 2,
    arbitrary: fc.uint8Array({ maxLength: 40 }).map((bytes) => ({ frame: undefined, bytes })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(2, 3, 0x20, 0x53)
      .map((b) => ({ frame: undefined, bytes: Uint8Array.of(b) })),
  },
)
const stream = fc.array(segment, { maxLength: 30, size: 'medium' })

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return i
  }
  return -1
}

describe('fuzz: the helper pipe frames', () => {
  fuzz(
    'every whole frame is read whatever surrounds it, each exactly as written, in fixed memory, however the bytes are cut',
    fc.tuple(stream, fc.array(fc.nat(), { maxLength: 10 })),
    ([segments, cuts]) => {
      const bytes = Uint8Array.from(segments.flatMap((s) => [...s.bytes]))
      const reader = new FrameReader()
      const before = sizeOf(reader)
      const read: FrameRequest[] = []
      for (const chunk of chunked(bytes, cuts)) read.push(...reader.push(chunk))
      // Fixed memory: only the stage and frame-kind words change, never with the input.
      assert.ok(sizeOf(reader) <= before + 64, 'the reader holds no more after the input')
      // Nothing made up: each request is a frame whose exact bytes are in the input, in order.
      let at = 0
      for (const r of read) {
        const found = indexOfBytes(bytes, encoded(r), at)
        assert.ok(found >= 0, `${JSON.stringify(r)} is in the input as written`)
        at = found + 1
      }
      // Nothing lost: the whole frames that were written come out, in order (garbage may
      // hold frames of its own, so they are a subsequence of what was read).
      const written = segments.flatMap((s) => (s.frame === undefined ? [] : [s.frame]))
      let next = 0
      for (const r of read) if (next < written.length && sameRequest(r, written[next])) next++
      assert.equal(next, written.length, 'every whole frame was read')
      const whole = new FrameReader()
      assert.deepEqual(whole.push(bytes), read, 'the same requests however the bytes are cut')
      assert.deepEqual(whole.resets, reader.resets)
    },
  )
})

function sameRequest(a: FrameRequest, b: FrameRequest | undefined): boolean {
  return b !== undefined && JSON.stringify(a) === JSON.stringify(b)
}
