import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { parseTemplate, renderTemplate } from './template.ts'

const lookup = (device: string | undefined, name: string) =>
  device === 'ups2' && name === 'ups.load' ? '55' : name === 'battery.charge' ? '40' : undefined

describe('templates', () => {
  it('fills variables, other devices, literal braces; a missing value prints ?', () => {
    const t = parseTemplate('{{x}} {battery.charge} % {ups2:ups.load} {ups.temperature}')
    assert.deepEqual(t.problems, [])
    assert.equal(renderTemplate(t, lookup), '{x} 40 % 55 ?')
  })

  it('reports unclosed and lone braces and keeps the text', () => {
    const t = parseTemplate('a } b {c d')
    assert.deepEqual(
      t.problems.map((p) => p.offset),
      [2, 6],
    )
    assert.equal(renderTemplate(t, lookup), 'a } b {c d')
  })

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        renderTemplate(parseTemplate(text), lookup)
      }),
      { numRuns: 300 },
    )
  })
})
