import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
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

  it('loads the example of docs/privilege.md, and each of its commented forms', () => {
    const doc = readFileSync(new URL('../../../docs/privilege.md', import.meta.url), 'utf8')
    const block = /## Power roads[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1]
    assert.ok(block !== undefined, 'docs/privilege.md has the powerRoad example')
    const result = parseYamlConfig(block, 'privilege.md', {})
    assert.ok(result.ok, JSON.stringify(result.diagnostics))
    assert.deepEqual(result.value.monitor?.powerRoad, { road: 'logind' })
    const forms = [...block.matchAll(/^ {2}# (powerRoad: \{.*\})$/gm)].map((m) => m[1] ?? '')
    assert.equal(forms.length, 3)
    for (const form of forms) {
      const r = parseYamlConfig(`monitor:\n  ${form}\n`, 'privilege.md', {})
      assert.ok(r.ok, `${form}: ${JSON.stringify(r.diagnostics)}`)
    }
  })

  it('appears in the JSON Schema', () => {
    assert.match(JSON.stringify(configJsonSchema()), /helper-socket/)
  })
})
