import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { encodeLine } from './encode.ts'
import { LineSplitter, parseRequestLine } from './net-request.ts'
import { tokenizeLine } from './tokenizer.ts'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const text = (line: Uint8Array): string => new TextDecoder().decode(line)

describe('LineSplitter', () => {
  it('cuts lines at LF across chunks', () => {
    const splitter = new LineSplitter(100)
    assert.deepEqual(splitter.push(bytes('GET VAR a')).lines, [])
    assert.equal(splitter.pendingBytes, 9)
    const { lines } = splitter.push(bytes(' b\nLIST UPS\r\nVER\n'))
    assert.deepEqual(lines.map(text), ['GET VAR a b', 'LIST UPS\r', 'VER'])
  })

  it('reports a line over the limit, with or without its LF', () => {
    const withLf = new LineSplitter(8)
    assert.deepEqual(withLf.push(bytes('12345678\n')).lines.map(text), ['12345678'])
    const over = withLf.push(bytes('123456789\nVER\n'))
    assert.equal(over.overflow, true)
    assert.deepEqual(over.lines, [])
    assert.equal(withLf.push(bytes('VER\n')).overflow, true)
    const partial = new LineSplitter(8)
    assert.equal(partial.push(bytes('12345')).overflow, false)
    assert.equal(partial.push(bytes('6789')).overflow, true)
  })

  it('forgets a half line on discard', () => {
    const splitter = new LineSplitter(100)
    splitter.push(bytes('LIST V'))
    splitter.discard()
    assert.deepEqual(splitter.push(bytes('VER\n')).lines.map(text), ['VER'])
  })

  it('gives back every line whole, however the stream is cut (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replaceAll('\n', '')),
          { maxLength: 20 },
        ),
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 10 }),
        (lines, cuts) => {
          const all = bytes(lines.map((l) => `${l}\n`).join(''))
          const splitter = new LineSplitter(1_000)
          const got: string[] = []
          let offset = 0
          let i = 0
          while (offset < all.length) {
            const size = cuts[i++ % cuts.length] as number
            got.push(...splitter.push(all.subarray(offset, offset + size)).lines.map(text))
            offset += size
          }
          assert.deepEqual(got, lines)
        },
      ),
    )
  })
})

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
    assert.equal(parseRequestLine(new Uint8Array([0x47, 0xc3, 0x28])).kind, 'invalid')
    assert.equal(parseRequestLine(bytes('GET\u0000VAR')).kind, 'invalid')
    assert.equal(parseRequestLine(bytes('"#"')).kind, 'invalid')
  })

  it('never throws on any bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (line) => {
        const parsed = parseRequestLine(line)
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
