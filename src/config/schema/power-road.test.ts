import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { configJsonSchema } from '../json-schema.ts'
import { parseYamlConfig } from '../yaml-load.ts'

const parse = (road: string) =>
  parseYamlConfig(`monitor:\n  powerRoad: ${road}\n`, '/etc/nutshell/nutshell.yaml', {})

describe('monitor.powerRoad', () => {
  it('takes a bare road name or a mapping with its options', () => {
    const cases: Array<[string, unknown]> = [
      ['logind', { road: 'logind' }],
      ['command', { road: 'command' }],
      ['helper-socket', { road: 'helper-socket' }],
      [
        '{ road: initctl, path: /dev/initctl, sleepTime: 3 }',
        { road: 'initctl', path: '/dev/initctl', sleepTime: 3 },
      ],
      [
        '{ road: logind, inhibit: false, hybridSleep: true }',
        { road: 'logind', inhibit: false, hybridSleep: true },
      ],
    ]
    for (const [text, expected] of cases) {
      const result = parse(text)
      assert.ok(result.ok, `${text}: ${JSON.stringify(result.diagnostics)}`)
      assert.deepEqual(result.value.monitor?.powerRoad, expected)
    }
  })

  it('is absent (the command road) unless written', () => {
    const result = parseYamlConfig('monitor:\n  minSupplies: 1\n', '/x.yaml', {})
    assert.ok(result.ok)
    assert.equal(result.value.monitor?.powerRoad, undefined)
  })

  it('refuses an unknown road and an option of another road, saying where', () => {
    for (const text of [
      'sudo',
      '{ road: logind, path: /run/initctl }',
      '{ road: initctl, sleepTime: -1 }',
    ]) {
      const result = parse(text)
      assert.equal(result.ok, false, text)
      assert.ok(
        result.diagnostics.some((d) => d.severity === 'error' && d.line === 2),
        `${text}: ${JSON.stringify(result.diagnostics)}`,
      )
    }
  })

  it('appears in the JSON Schema', () => {
    assert.match(JSON.stringify(configJsonSchema()), /helper-socket/)
  })
})
