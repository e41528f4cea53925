import assert from 'node:assert/strict'
import { describe } from 'node:test'
import fc from 'fast-check'
import { parseYamlConfig } from '../../src/config/yaml-load.ts'
import { assertBounded, fuzz, neverThrowsUntyped, noisyText } from '../helpers/fuzz.ts'

// nutshell's native YAML config, through its public entry only (parseYamlConfig: the text
// of one file; loadYamlConfig adds the read). Its internals are free to change.
const words = [
  'server:',
  'listen:',
  'maxAge:',
  'limits:',
  'idleTimeout:',
  'devices:',
  '- name:',
  'driver:',
  'port:',
  'options:',
  'mode:',
  'flags:',
  'users:',
  'password:',
  'actions:',
  'instcmds:',
  'upsmon:',
  'monitor:',
  'monitors:',
  'system:',
  'powerValue:',
  'role:',
  'primary',
  'minSupplies:',
  'shutdownCommand:',
  'notifyFlags:',
  'pollFreq:',
  'deadTime:',
  'hostSync:',
  'shutdownExit:',
  'rules:',
  'files:',
  'driverDefaults:',
  'integrations:',
  'ups1',
  'dummy-ups',
  '127.0.0.1:3493',
  '"[::1]:3493"',
  '15s',
  '5m',
  'never',
  '[SET, FSD]',
  '{',
  '}',
  '[',
  ']',
  '-',
  ':',
  '  ',
  '\n  ',
  '\n',
  "'",
  '&a',
  '*a',
  '<<:',
  '!!str',
  '---',
  '...',
  '|',
  '>',
  '? ',
  '%YAML 1.2',
  '\t',
]

const lineAndColumnInside = (text: string, line: number, column: number): boolean => {
  const lines = text.split('\n')
  if (line < 1 || line > lines.length + 1) return false
  return column >= 1 && column <= (lines[line - 1] ?? '').length + 2
}

describe('fuzz: the YAML config', () => {
  fuzz(
    'never throws; every diagnostic points into the file; a result with errors is refused',
    noisyText(words, 60),
    (text) => {
      const result = neverThrowsUntyped(() => parseYamlConfig(text, '/etc/nutshell.yaml', {}))
      assert.ok(result !== undefined, 'returns, never throws')
      for (const d of result.diagnostics) {
        assert.equal(d.file, '/etc/nutshell.yaml')
        assert.ok(d.message.length > 0)
        assert.ok(lineAndColumnInside(text, d.line, d.column), `${d.line}:${d.column} ${d.message}`)
      }
      const errors = result.diagnostics.filter((d) => d.severity === 'error')
      assert.equal(result.ok, errors.length === 0, 'refused exactly when there is an error')
      assertBounded(result, text.length, { base: 8192, perUnit: 400 })
    },
  )

  fuzz(
    'anchors and aliases cannot blow up memory (a billion-laughs file is bounded)',
    fc.integer({ min: 1, max: 9 }),
    (depth) => {
      const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
      for (let i = 1; i <= depth; i++) {
        const refs = Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')
        lines.push(`a${i}: &a${i} [${refs}]`)
      }
      const text = `integrations:\n  laughs:\n${lines.map((l) => `    ${l}`).join('\n')}\n`
      const result = neverThrowsUntyped(() => parseYamlConfig(text, 'x.yaml', {}))
      assert.ok(result !== undefined)
      // Either refused, or kept small: never 10^depth copies in memory.
      assertBounded(result, text.length, { base: 8192, perUnit: 400 })
    },
    { runs: 20 },
  )
})
