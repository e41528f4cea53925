import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { notifyTypes } from '../nut-config/notify-types.ts'
import { encodeFrame } from './frame-encode.ts'
import { FrameReader } from './frame-reader.ts'
import {
  type FrameRequest,
  frameStart,
  frameStop,
  isNameByte,
  maxNameLength,
  type PowerRequest,
  powerRequestCodes,
} from './frame-types.ts'

const nameChars = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@:[]']
const arbName = fc.string({ unit: fc.constantFrom(...nameChars), maxLength: maxNameLength })
const arbRequest: fc.Arbitrary<FrameRequest> = fc.oneof(
  fc.record(
    {
      kind: fc.constant('power' as const),
      request: fc.constantFrom(...(Object.keys(powerRequestCodes) as PowerRequest[])),
      name: arbName,
    },
    { noNullPrototype: true },
  ),
  fc.record(
    {
      kind: fc.constant('notify' as const),
      notifyType: fc.constantFrom(...notifyTypes),
      name: arbName,
    },
    { noNullPrototype: true },
  ),
)

function encoded(request: FrameRequest): Uint8Array {
  const result = encodeFrame(request)
  assert.ok(result.ok, result.ok ? '' : result.reason)
  return result.bytes
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

describe('helper pipe frames', () => {
  it('encodes the byte layout of docs/privilege.md', () => {
    assert.deepEqual(
      [...encoded({ kind: 'power', request: 'shutdown', name: '' })],
      [0x02, 0x53, 0x20, 0x03],
    )
    assert.deepEqual(
      [...encoded({ kind: 'notify', notifyType: 'ONBATT', name: 'ups@h:1' })],
      [0x02, 0x61, 0x27, ...Buffer.from('ups@h:1'), 0x03],
    )
  })

  it('keeps the wire codes of the notify types fixed', () => {
    // Appending new types is fine; this pins the first ones and the table's size bound.
    assert.equal(notifyTypes[0], 'ONLINE')
    assert.equal(notifyTypes[10], 'CAL')
    assert.equal(notifyTypes[31], 'SUSPEND_TIMEJUMP_UNEXPECTED')
    assert.ok(0x60 + notifyTypes.length <= 0x100)
  })

  it('refuses what it cannot frame, with a reason', () => {
    const bad = [
      { kind: 'notify', notifyType: 'BOGUS', name: '' },
      { kind: 'power', request: 'shutdown', name: 'a b' },
      { kind: 'power', request: 'shutdown', name: 'x'.repeat(maxNameLength + 1) },
      { kind: 'power', request: 'shutdown', name: 'é' },
    ] as const
    for (const request of bad) {
      const result = encodeFrame(request)
      assert.equal(result.ok, false)
      assert.ok(!result.ok && result.reason.length > 0)
    }
  })

  it('round-trips every request, whole or byte by byte', () => {
    fc.assert(
      fc.property(fc.array(arbRequest, { maxLength: 8 }), (requests) => {
        const stream = concat(requests.map(encoded))
        assert.deepEqual(new FrameReader().push(stream), requests)
        const reader = new FrameReader()
        const oneByOne = [...stream].flatMap((b) => reader.push(Uint8Array.of(b)))
        assert.deepEqual(oneByOne, requests)
        assert.equal(reader.totalResets, 0)
      }),
      { numRuns: 500 },
    )
  })

  it('never dispatches anything that was not a valid frame in the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const out = new FrameReader().push(bytes)
        assert.ok(out.length <= bytes.length / 4)
        for (const request of out) assert.ok(contains(bytes, encoded(request)))
      }),
      { numRuns: 2000 },
    )
  })

  it('never dispatches from mutated frames except valid frames they still hold', () => {
    fc.assert(
      fc.property(
        fc.array(arbRequest, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        (requests, mutations) => {
          const stream = concat(requests.map(encoded))
          for (const [at, value] of mutations) stream[at % stream.length] = value
          for (const request of new FrameReader().push(stream))
            assert.ok(contains(stream, encoded(request)))
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('reads a valid frame after any garbage', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), arbRequest, (garbage, request) => {
        const reader = new FrameReader()
        reader.push(garbage)
        assert.deepEqual(reader.push(encoded(request)), [request])
      }),
      { numRuns: 2000 },
    )
  })

  it('counts each kind of reset and stays bounded on a long hostile stream', () => {
    const reader = new FrameReader()
    reader.push(Uint8Array.of(0x41)) // outside a frame
    reader.push(Uint8Array.of(frameStart, 0x01)) // unknown type
    reader.push(Uint8Array.of(frameStart, 0x53, 0xff)) // length past the bound
    reader.push(Uint8Array.of(frameStart, 0x53, 0x21, 0x20)) // space in a name
    reader.push(Uint8Array.of(frameStart, 0x53, 0x20, 0x00)) // no ETX
    assert.deepEqual(reader.resets, {
      'no-start': 1,
      'unknown-type': 1,
      'bad-length': 1,
      'bad-name-byte': 1,
      'no-stop': 1,
    })
    // A megabyte of half frames: nothing dispatched, nothing kept but one name buffer.
    const half = Uint8Array.of(frameStart, 0x53, 0x20 + maxNameLength, ...Array(100).fill(0x61))
    const big = concat(Array.from({ length: 10_000 }, () => half))
    assert.deepEqual(reader.push(big), [])
    assert.ok(reader.midFrame)
    assert.ok(reader.push(Uint8Array.of(frameStop)).length === 0)
  })

  it('reserves STX and ETX: no name byte and no type code takes them', () => {
    assert.equal(isNameByte(frameStart), false)
    assert.equal(isNameByte(frameStop), false)
    for (const code of Object.values(powerRequestCodes)) assert.ok(code >= 0x20)
  })
})
