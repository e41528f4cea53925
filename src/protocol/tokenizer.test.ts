import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { encodeLine, quote } from './encode.ts'
import { tokenize, tokenizeLine } from './tokenizer.ts'

describe('tokenizer', () => {
  it('splits words as NUT does', () => {
    assert.deepEqual(tokenizeLine('GET VAR dummy ups.status').words, [
      'GET',
      'VAR',
      'dummy',
      'ups.status',
    ])
    assert.deepEqual(tokenizeLine('SET VAR u v "a b"').words, ['SET', 'VAR', 'u', 'v', 'a b'])
    assert.deepEqual(tokenizeLine('x=y').words, ['x', '=', 'y'])
    assert.deepEqual(tokenizeLine('GET VAR dum"my" x').words, ['GET', 'VAR', 'dum"my"', 'x'])
    assert.deepEqual(tokenizeLine('GET VAR du\\mmy x').words, ['GET', 'VAR', 'dummy', 'x'])
    assert.deepEqual(tokenizeLine('a # comment').words, ['a'])
    assert.deepEqual(tokenizeLine('a#comment').words, ['a'])
    assert.deepEqual(tokenizeLine('""').words, [''])
    assert.deepEqual(tokenizeLine('GET VAR u v\r').words, ['GET', 'VAR', 'u', 'v'])
    assert.deepEqual(tokenizeLine('"a\\"b\\\\c\\#d e"').words, ['a"b\\c#d e'])
  })

  it('keeps UTF-8 and refuses control characters', () => {
    assert.deepEqual(tokenizeLine('SET VAR u v "Salle café ☕"').words, [
      'SET',
      'VAR',
      'u',
      'v',
      'Salle café ☕',
    ])
    assert.equal(tokenizeLine('GET\u0000 VAR').error?.kind, 'control-character')
    assert.equal(tokenizeLine('"a\tb"').error?.kind, 'control-character')
    assert.equal(tokenizeLine('"a#b"').error?.kind, 'hash-in-quotes')
    assert.equal(tokenizeLine('"abc').error?.kind, 'unterminated-quote')
  })

  it('reports line numbers and continues lines', () => {
    const lines = tokenize('# c\n[ups]\n  driver = dummy-ups\n\nport = a\\\nb\n')
    assert.deepEqual(
      lines.map((l) => [l.line, l.words]),
      [
        [2, ['[ups]']],
        [3, ['driver', '=', 'dummy-ups']],
        [5, ['port', '=', 'ab']],
      ],
    )
  })

  it('round-trips any printable words through encodeLine', () => {
    const word = fc
      .string({
        unit: fc.oneof(
          fc.constantFrom(' ', '"', '\\', '#', '=', 'é', '☕'),
          fc.string({ minLength: 1, maxLength: 1 }),
        ),
      })
      .filter((w) => !/[\u0000-\u001f\u007f]/.test(w))
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), (words) => {
        const result = tokenizeLine(encodeLine(words))
        assert.equal(result.error, undefined)
        assert.deepEqual(result.words, words)
      }),
      { numRuns: 2000 },
    )
  })

  it('quote() output always reads back as one word', () => {
    fc.assert(
      fc.property(
        fc.string().filter((w) => !/[\u0000-\u001f\u007f]/.test(w)),
        (value) => {
          assert.deepEqual(tokenizeLine(`VAR u v ${quote(value)}`).words, ['VAR', 'u', 'v', value])
        },
      ),
    )
  })

  it('never throws on any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        tokenize(text, { keepEmpty: true })
        tokenize(text, { continueQuotesAcrossLines: true })
      }),
      { numRuns: 3000 },
    )
  })
})
