import assert from 'node:assert/strict'
import { describe } from 'node:test'
import fc from 'fast-check'
import { diagnosticCatalogue } from '../../src/rules/diagnostics.ts'
import { loadRulesText } from '../../src/rules/load.ts'
import { assertBounded, fuzz, neverThrowsUntyped, noisyText } from '../helpers/fuzz.ts'

// The rules language and upssched.conf read as rules, through their public entry
// (loadRulesText: parse, then check). Every problem is a coded diagnostic with a span
// inside the text; nothing throws.
const words = [
  'when',
  'on',
  'every',
  'for',
  'else',
  'device',
  'rule',
  'timer',
  'start',
  'cancel',
  'notify',
  'log',
  'exec',
  'webhook',
  'set',
  'instcmd',
  'fsd',
  'shutdown',
  'hibernate',
  'and',
  'or',
  'not',
  'has',
  'ups.status',
  'battery.charge',
  'ups.load',
  'OB',
  'OL',
  'LB',
  'ONBATT',
  'ONLINE',
  'LOWBATT',
  '{',
  '}',
  '(',
  ')',
  ',',
  '<',
  '<=',
  '==',
  '!=',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&&',
  '||',
  '!',
  '20',
  '2m',
  '30s',
  '1h',
  '1.5',
  '"{ups} on battery"',
  '"unclosed',
  '"\\q"',
  '#',
  '\n',
  ' ',
  'CMDSCRIPT',
  'AT',
  'START-TIMER',
  'CANCEL-TIMER',
  'EXECUTE',
  '*',
  'ups@localhost',
]
const codes = new Set(Object.keys(diagnosticCatalogue))

describe('fuzz: rules', () => {
  for (const name of ['power.rules', 'upssched.conf']) {
    fuzz(
      `${name}: never throws; every diagnostic is coded and lies inside the text`,
      noisyText(words, 60),
      (text) => {
        const loaded = neverThrowsUntyped(() => loadRulesText(name, text))
        assert.ok(loaded !== undefined, 'returns, never throws')
        for (const d of loaded.diagnostics) {
          assert.ok(codes.has(d.code), d.code)
          assert.ok(d.severity === 'error' || d.severity === 'warning' || d.severity === 'note')
          assert.ok(d.message.length > 0)
          const { start, end } = d.span
          assert.ok(
            0 <= start && start <= end && end <= text.length,
            `${start}..${end} of ${text.length}`,
          )
        }
        assertBounded(loaded, text.length, { base: 8192, perUnit: 400 })
      },
    )
  }

  fuzz(
    'deeply nested expressions are refused or read, never a stack overflow',
    fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom('(', 'not ', '-', '!')),
    ([depth, opener]) => {
      const close = opener === '(' ? ')'.repeat(depth) : ''
      const text = `when ${opener.repeat(depth)}battery.charge < 20${close} { shutdown }\n`
      const loaded = neverThrowsUntyped(() => loadRulesText('deep.rules', text))
      assert.ok(loaded !== undefined, 'returns, never throws')
    },
    { runs: 200 },
  )
})
