import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { encodeLine } from '../protocol/encode.ts'
import { echoes, isListBegin, isListEnd, LineSplitter, parseReply } from './reply.ts'

test('reply lines are tokenized with NUT quoting', () => {
  assert.deepEqual(parseReply('VAR dummy ups.id "a \\"b\\" \\# c"'), {
    kind: 'line',
    line: {
      raw: 'VAR dummy ups.id "a \\"b\\" \\# c"',
      words: ['VAR', 'dummy', 'ups.id', 'a "b" # c'],
    },
  })
  assert.deepEqual(parseReply('ERR ACCESS-DENIED'), {
    kind: 'error',
    line: { raw: 'ERR ACCESS-DENIED', words: ['ERR', 'ACCESS-DENIED'] },
    word: 'ACCESS-DENIED',
  })
  assert.equal(parseReply('VAR a b "unterminated').kind, 'malformed')
})

test('echo checks are case-insensitive; END LIST is not', () => {
  assert.ok(isListBegin(['BEGIN', 'LIST', 'VAR', 'DUMMY'], ['VAR', 'dummy']))
  assert.ok(isListBegin(['begin', 'list', 'UPS'], ['UPS']))
  assert.ok(!isListBegin(['BEGIN', 'LIST', 'RW', 'dummy'], ['VAR', 'dummy']))
  assert.ok(!isListBegin(['BEGIN', 'LIST'], ['UPS']))
  assert.ok(isListEnd(['END', 'LIST']))
  assert.ok(isListEnd(['END', 'LIST', 'anything']))
  assert.ok(!isListEnd(['end', 'LIST', 'UPS']))
  assert.ok(echoes(['VAR', 'Dummy', 'UPS.ID', 'x'], ['var', 'dummy', 'ups.id']))
  assert.ok(!echoes(['VAR', 'dummy'], ['VAR', 'dummy', 'ups.id']))
})

test('the line splitter gives the same lines however the stream is cut', () => {
  fc.assert(
    fc.property(fc.string(), fc.array(fc.nat(), { maxLength: 10 }), (text, cuts) => {
      const whole = new LineSplitter(1 << 20).push(text).lines
      const splitter = new LineSplitter(1 << 20)
      const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)
      const pieces: string[] = []
      let last = 0
      for (const point of points) {
        pieces.push(text.slice(last, point))
        last = point
      }
      pieces.push(text.slice(last))
      const lines = pieces.flatMap((piece) => splitter.push(piece).lines)
      assert.deepEqual(lines, whole)
    }),
  )
})

test('the splitter reports lines over the limit', () => {
  const splitter = new LineSplitter(8)
  assert.deepEqual(splitter.push('12345678\n'), { lines: ['12345678'], overflow: false })
  assert.equal(splitter.push('123456789').overflow, true)
  assert.equal(new LineSplitter(8).push('123456789\n').overflow, true)
})

test('the reply parser never throws on any input', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (text) => {
      const splitter = new LineSplitter(256)
      for (const line of splitter.push(text).lines) parseReply(line)
      parseReply(text)
    }),
    { numRuns: 2000 },
  )
  fc.assert(
    fc.property(fc.uint8Array(), (bytes) => {
      parseReply(new TextDecoder().decode(bytes))
    }),
  )
})

test('any encoded reply parses back to its words', () => {
  const word = fc.string({ unit: fc.constantFrom('a', ' ', '"', '\\', '#', '=', 'é', 'Z') })
  fc.assert(
    fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), (words) => {
      const reply = parseReply(encodeLine(['VAR', ...words]))
      assert.equal(reply.kind, 'line')
      if (reply.kind === 'line') assert.deepEqual(reply.line.words, ['VAR', ...words])
    }),
  )
})
