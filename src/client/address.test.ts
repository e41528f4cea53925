import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { parseServerAddress, parseUpsAddress } from './address.ts'

// Each case was checked against Debian's upsc 2.8.0 (see docs/tools.md for the crashes).
const upsCases: Array<[string | undefined, string | undefined]> = [
  ['dummy', 'dummy@localhost:3493'],
  ['dummy@127.0.0.1', 'dummy@127.0.0.1:3493'],
  ['dummy@127.0.0.1:34503', 'dummy@127.0.0.1:34503'],
  ['dummy@127.0.0.1:34503abc', 'dummy@127.0.0.1:34503'],
  ['dummy@127.0.0.1:34503:5', 'dummy@127.0.0.1:34503'],
  ['dummy@127.0.0.1:+34503', 'dummy@127.0.0.1:34503'],
  ['dummy@127.0.0.1: 34503', 'dummy@127.0.0.1:34503'],
  ['dummy@[::1]:34503', 'dummy@::1:34503'],
  ['dummy@[::1]', 'dummy@::1:3493'],
  ['dummy@[::1]x', 'dummy@::1:3493'],
  ['dummy@[127.0.0.1]]:45583', 'dummy@127.0.0.1:3493'],
  ['@127.0.0.1:34503', '127.0.0.1:34503@127.0.0.1:34503'],
  ['a@b@127.0.0.1:34503', 'a@b@127.0.0.1:34503'],
  ['x@[]:3493', 'x@:3493:3493'],
  ['dummy@127.0.0.1:abc', undefined],
  ['dummy@127.0.0.1:', undefined],
  ['dummy@127.0.0.1:0', undefined],
  ['dummy@127.0.0.1:99999', undefined],
  ['dummy@127.0.0.1:-5', undefined],
  ['dummy@::1', undefined],
  ['dummy@[::1', undefined],
  ['dummy@', undefined],
  ['', undefined],
  [undefined, undefined],
  ['@', undefined],
]

test('ups[@host[:port]] is split as libupsclient splits it', () => {
  for (const [input, expected] of upsCases) {
    const result = parseUpsAddress(input)
    const got = result.ok
      ? `${result.value.ups}@${result.value.host}:${result.value.port}`
      : undefined
    assert.equal(got, expected, `input ${JSON.stringify(input)}`)
  }
})

test('the diagnostics are libupsclient’s', () => {
  assert.deepEqual(parseUpsAddress('x@h:abc'), {
    ok: false,
    message: "upscli_splitaddr: no port specified after ':' separator",
  })
  assert.deepEqual(parseUpsAddress('x@'), {
    ok: false,
    message: "upscli_splitaddr: can't parse empty string",
  })
  assert.deepEqual(parseUpsAddress(''), {
    ok: false,
    message: "upscli_splitname: can't parse empty string",
  })
  assert.deepEqual(parseServerAddress('[::1'), {
    ok: false,
    message: 'upscli_splitaddr: missing closing bracket in [domain literal]',
  })
  assert.deepEqual(parseServerAddress(':34503'), {
    ok: true,
    value: { host: '34503', port: 34503 },
  })
})

test('address parsing never throws and ports stay in range', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom('a', '@', ':', '[', ']', '1', '0', ' ', '-') }),
      (text) => {
        const result = parseUpsAddress(text)
        if (result.ok) {
          assert.ok(result.value.port >= 1 && result.value.port <= 65535)
        }
        parseServerAddress(text)
      },
    ),
    { numRuns: 2000 },
  )
  fc.assert(
    fc.property(fc.string(), (text) => {
      parseUpsAddress(text)
      parseServerAddress(text)
    }),
  )
})
