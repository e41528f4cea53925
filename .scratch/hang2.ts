import { writeFileSync } from 'node:fs'
import fc from 'fast-check'
import { parseRules } from '../src/rules/parser.ts'
import { printRules } from '../src/rules/printer.ts'
import { ruleText } from '../test/fixtures/rules/arbitraries.ts'

const samples = fc.sample(fc.array(ruleText, { minLength: 1, maxLength: 4 }), 5000)
let i = 0
for (const rules of samples) {
  const text = rules.join('\n')
  writeFileSync('/tmp/last.txt', text)
  const t = Date.now()
  const first = parseRules(text)
  if (!first.diagnostics.some((d) => d.severity !== 'note')) {
    const p = printRules(first.file)
    writeFileSync('/tmp/last.txt', 'PRINTED\n' + p)
    parseRules(p)
  }
  const dt = Date.now() - t
  if (dt > 200) console.log(dt, text.slice(0, 200))
  i++
}
console.log('ok', i)
