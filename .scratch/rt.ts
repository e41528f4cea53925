import assert from 'node:assert/strict'
import fc from 'fast-check'
import { parseRules } from '../src/rules/parser.ts'
import { printRules } from '../src/rules/printer.ts'
import { ruleText as rule } from '../test/fixtures/rules/arbitraries.ts'

function stripSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSpans)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (k !== 'span') out[k] = stripSpans(v)
    return out
  }
  return value
}
const r = fc.check(
  fc.property(fc.array(rule, { minLength: 1, maxLength: 4 }), (rules) => {
    const text = rules.join('\n')
    const first = parseRules(text)
    if (first.diagnostics.some((d) => d.severity !== 'note')) return
    const printed = printRules(first.file)
    const second = parseRules(printed)
    assert.deepEqual(second.diagnostics, [], printed)
    assert.deepEqual(stripSpans(second.file), stripSpans(first.file))
  }),
  { numRuns: 3000, endOnFailure: true },
)
if (r.failed) {
  console.log(JSON.stringify(r.counterexample?.[0]?.join('\n')))
  console.log(String(r.errorInstance).slice(0, 1500))
} else console.log('ok')
