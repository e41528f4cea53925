import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { encodeLine } from './encode.ts'
import { parseRequestLine, wireString } from './net-request.ts'
import { tokenizeLine } from './tokenizer.ts'

/** A line as the server's framer hands it over: its UTF-8 bytes, one character each. */
const bytes = (text: string): string => wireString(new TextEncoder().encode(text))

describe('parseRequestLine', () => {
  it('parses words and refuses what NUT would alter', () => {
    assert.deepEqual(parseRequestLine(bytes('SET VAR u v "a b"')), {
      kind: 'request',
      words: ['SET', 'VAR', 'u', 'v', 'a b'],
    })
    assert.deepEqual(parseRequestLine(bytes('')), { kind: 'request', words: [] })
    assert.deepEqual(parseRequestLine(bytes('SET VAR u v "café ☕"')), {
      kind: 'request',
      words: ['SET', 'VAR', 'u', 'v', 'café ☕'],
    })
    assert.equal(parseRequestLine(wireString(new Uint8Array([0x47, 0xc3, 0x28]))).kind, 'invalid')
    assert.equal(parseRequestLine(bytes('GET\u0000VAR')).kind, 'invalid')
    assert.equal(parseRequestLine(bytes('"#"')).kind, 'invalid')
  })

  it('never throws on any bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (line) => {
        const parsed = parseRequestLine(wireString(line))
        assert.ok(parsed.kind === 'request' || parsed.kind === 'invalid')
      }),
      { numRuns: 2_000 },
    )
  })

  it('gives exactly what the tokenizer gives for ASCII lines (property)', () => {
    const ascii = fc
      .string({
        unit: fc.integer({ min: 0x09, max: 0x7e }).map((c) => String.fromCharCode(c)),
        maxLength: 60,
      })
      .map((t) => t.replaceAll('\n', ' '))
    fc.assert(
      fc.property(
        fc.oneof(
          ascii,
          fc.constantFrom(
            'GET VAR ups ups.status',
            '  LIST   VAR  x ',
            'a=b',
            'a\\b',
            '"q"',
            'x#y',
          ),
        ),
        (text) => {
          const parsed = parseRequestLine(bytes(text))
          const expected = tokenizeLine(text)
          if (expected.error === undefined)
            assert.deepEqual(parsed, { kind: 'request', words: expected.words })
          else assert.equal(parsed.kind, 'invalid')
        },
      ),
      { numRuns: 3_000 },
    )
  })

  it('reads back what a client encodes (property)', () => {
    const word = fc
      .string({ unit: 'grapheme', maxLength: 20 })
      .filter((w) => !/[\u0000-\u001f\u007f]/.test(w))
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), (words) => {
        assert.deepEqual(parseRequestLine(bytes(encodeLine(words))), { kind: 'request', words })
      }),
    )
  })
})
