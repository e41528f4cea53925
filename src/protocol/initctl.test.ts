import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  decodeInitRequest,
  encodeInitRequest,
  type InitCommand,
  initCommand,
  powerOffRequest,
} from './initctl.ts'

describe('sysvinit init_request', () => {
  it('writes runlevel 0 byte for byte as initreq.h lays it out', () => {
    const result = encodeInitRequest(powerOffRequest(5))
    assert.ok(result.ok)
    const b = Buffer.from(result.bytes)
    assert.equal(b.length, 384)
    assert.deepEqual(
      [...b.subarray(0, 16)],
      [0x69, 0x19, 0x09, 0x03, 1, 0, 0, 0, 48, 0, 0, 0, 5, 0, 0, 0],
    )
    assert.ok(b.subarray(16).every((x) => x === 0))
  })

  it('round-trips every request in both byte orders', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(initCommand) as InitCommand[])),
        fc.constantFrom('0', '1', '6', 'S', 'q'),
        fc.integer({ min: 0, max: 3600 }),
        fc.option(fc.string({ unit: fc.constantFrom(...'ABCXYZ_=abc019'), maxLength: 60 }), {
          nil: undefined,
        }),
        fc.constantFrom('LE' as const, 'BE' as const),
        (command, runlevel, sleepTime, data, order) => {
          const request = { command, runlevel, sleepTime, ...(data ? { data } : {}) }
          const encoded = encodeInitRequest(request, order)
          assert.ok(encoded.ok)
          const decoded = decodeInitRequest(encoded.bytes, order)
          assert.ok(decoded.ok)
          assert.deepEqual(decoded.request, { ...request, commandCode: initCommand[command] })
        },
      ),
    )
  })

  it('refuses what init would not take, with a reason', () => {
    assert.equal(encodeInitRequest({ command: 'runlevel', runlevel: '00', sleepTime: 5 }).ok, false)
    assert.equal(encodeInitRequest({ command: 'runlevel', runlevel: '0', sleepTime: -1 }).ok, false)
    const long = { command: 'setEnv' as const, runlevel: '0', sleepTime: 0, data: 'x'.repeat(400) }
    assert.equal(encodeInitRequest(long).ok, false)
    assert.equal(decodeInitRequest(new Uint8Array(10)).ok, false)
    assert.equal(decodeInitRequest(new Uint8Array(384)).ok, false)
  })
})
