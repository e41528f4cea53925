import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { encodeLine } from '../protocol/encode.ts'
import { echoes, isListBegin, isListEnd, parseReply } from './reply.ts'

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

test('the reply parser never throws on any input', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (text) => {
      for (const line of text.split('\n')) parseReply(line)
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
