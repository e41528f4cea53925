import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DeviceStore } from '../devices/device-store.ts'
import { compileExpr, toNumber, type Value } from './compile-expr.ts'
import { parseRules } from './parser.ts'

const store = new DeviceStore()
const ups = store.add('ups')
ups.setValue('battery.charge', '40')
ups.setValue('ups.status', 'OB DISCHRG')
ups.setValue('ups.model', 'SMART-UPS 700')
ups.setValue('text.value', 'n/a')
ups.setCommState('stale')
const other = store.add('ups2')
other.setValue('ups.load', '75')

function value(condition: string): Value {
  const rule = parseRules(`when ${condition} { log "x" }`).file.rules[0]
  assert.ok(rule?.kind === 'when')
  return compileExpr(rule.cond)({ device: ups, store })
}

describe('expressions', () => {
  it('compares numbers, text, flags and the comm state', () => {
    const cases: Array<[string, Value]> = [
      ['battery.charge < 50', true],
      ['battery.charge == 40', true],
      ['battery.charge == "40"', true],
      ['battery.charge == "40.0"', false],
      ['ups.model == "SMART-UPS 700"', true],
      ['ups.model != "other"', true],
      ['ups.status has OB', true],
      ['ups.status has ob', true],
      ['ups.status has OL', false],
      ['comm == "stale"', true],
      ['ups2:ups.load - battery.charge == 35', true],
      ['battery.charge * 2 + 1 > 80', true],
      ['battery.charge % 7 == 5', true],
      ['-battery.charge < 0', true],
      ['battery.runtime < 5m', undefined],
      ['battery.charge < 50%', true],
      ['battery.charge >= 40 %', true],
      ['battery.charge % 7 == 5', true],
      ['battery.charge%7 == 5', true],
      ['battery.charge + 10% == 50', true],
      ['ups.model = "SMART-UPS 700"', true],
      ['battery.charge = 40', true],
      ['ups.model ~= "smart-ups 700"', true],
      ['ups.model ~= "Smart-UPS 700"', true],
      ['"smart-ups 700" ~= ups.model', true],
      ['ups.model ~= "smart-ups"', false],
      ['not ups.model ~= "back-ups"', true],
      ['ups.model ~= ups.model', true],
      ['comm ~= "STALE"', true],
      ['missing.var ~= "x"', undefined],
      ['battery.charge ~= "40"', true],
    ]
    for (const [condition, expected] of cases) assert.equal(value(condition), expected, condition)
  })

  it('uses three-valued logic for missing and non-numeric values', () => {
    const cases: Array<[string, Value]> = [
      ['missing.var > 1', undefined],
      ['not missing.var > 1', undefined],
      ['missing.var > 1 and battery.charge > 100', false],
      ['missing.var > 1 or battery.charge > 10', true],
      ['missing.var > 1 or battery.charge > 100', undefined],
      ['text.value > 1', undefined],
      ['battery.charge / 0 > 1', undefined],
      ['nobody:ups.load > 1', undefined],
    ]
    for (const [condition, expected] of cases) assert.equal(value(condition), expected, condition)
  })

  it('reads NUT numbers only: no hex, exponents or Infinity', () => {
    assert.equal(toNumber('42'), 42)
    assert.equal(toNumber(' -3.5 '), -3.5)
    assert.equal(toNumber('.5'), 0.5)
    for (const bad of ['', ' ', '0x10', '1e3', 'Infinity', '1.2.3', '-', 'abc'])
      assert.equal(toNumber(bad), undefined, bad)
  })
})
