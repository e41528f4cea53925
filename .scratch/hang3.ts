import { writeFileSync } from 'node:fs'
import fc from 'fast-check'
import { parseRules } from '../src/rules/parser.ts'

const token = fc.constantFrom(
  'when',
  'on',
  'timer',
  'device',
  'for',
  'else',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ',',
  ':',
  'has',
  'and',
  'not',
  '<',
  '==',
  '=',
  '&&',
  '"s"',
  '"',
  '5m',
  '3',
  'x.y',
  'notify',
  'exec',
  'start',
  'cancel',
  'instcmd',
  'set',
  '\n',
  '#',
  '-',
  '!',
  '\\',
)
for (const t of fc.sample(fc.array(token, { maxLength: 40 }), 3000)) {
  const text = t.join(' ')
  writeFileSync('/tmp/last.txt', text)
  parseRules(text)
}
console.log('tokens ok')
for (const text of fc.sample(
  fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 60 })),
  3000,
)) {
  writeFileSync('/tmp/last.txt', text)
  parseRules(text)
}
console.log('strings ok')
