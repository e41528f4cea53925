import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { stringify } from 'yaml'
import { parseDuration } from './duration.ts'
import { parseYamlConfig } from './yaml-load.ts'

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

describe('native YAML config: properties', () => {
  it('never throws on any text, and every diagnostic has a position', () => {
    const yamlish = fc.string({
      unit: fc.constantFrom(
        ...'devices:\n - name: port driver users monitor [ ] { } " \' # 1 -'.split(' '),
      ),
      maxLength: 60,
    })
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), yamlish), (text) => {
        const r = parseYamlConfig(text, 'x.yaml', {})
        for (const d of r.diagnostics) {
          assert.equal(d.file, 'x.yaml')
          assert.ok(d.line >= 1 && d.column >= 1, JSON.stringify(d))
        }
        if (!r.ok) assert.ok(r.diagnostics.some((d) => d.severity === 'error'))
      }),
      { numRuns: 400 },
    )
  })

  it('never throws on any YAML data, shaped like a config or not', () => {
    const shaped = fc.record(
      {
        server: fc.jsonValue({ maxDepth: 3 }),
        devices: fc.array(
          fc.dictionary(
            fc.constantFrom('name', 'driver', 'port', 'options', 'flags', 'x'),
            fc.jsonValue({ maxDepth: 2 }),
          ),
        ),
        users: fc.jsonValue({ maxDepth: 3 }),
        monitor: fc.dictionary(
          fc.constantFrom('monitors', 'pollFreq', 'notifyFlags', 'shutdownCommand', 'shutdownExit'),
          fc.jsonValue({ maxDepth: 2 }),
        ),
      },
      { requiredKeys: [] },
    )
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), shaped), (value) => {
        const r = parseYamlConfig(stringify(value), 'x.yaml', {})
        if (!r.ok) assert.ok(r.diagnostics.some((d) => d.severity === 'error'))
      }),
      { numRuns: 300 },
    )
  })

  it('generated configs load into the expected BrokerConfig', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,10}$/)
    const text = fc.string({
      unit: fc.constantFrom(...'ab Z9"#\\=[]@é:-'.split('')),
      minLength: 1,
      maxLength: 16,
    })
    const device = fc.record({
      name,
      driver: name,
      port: text,
      description: fc.option(text, { nil: undefined }),
      options: fc.dictionary(fc.stringMatching(/^[a-z][a-z.]{0,8}$/), text, { maxKeys: 3 }),
      flags: fc.uniqueArray(name, { maxLength: 2 }),
    })
    const user = fc.record({
      name: fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/),
      password: text,
      actions: fc.subarray(['SET', 'FSD']),
      instcmds: fc.uniqueArray(fc.stringMatching(/^[a-z]+\.[a-z]+$/), { maxLength: 2 }),
    })
    const config = fc.record({
      devices: fc.uniqueArray(device, { selector: (d) => d.name.toLowerCase(), maxLength: 4 }),
      users: fc.uniqueArray(user, { selector: (u) => u.name, maxLength: 3 }),
      maxAgeS: fc.integer({ min: 1, max: 3600 }),
      pollFreqMs: fc.integer({ min: 100, max: 100_000 }),
      port: fc.integer({ min: 1, max: 65535 }),
    })
    fc.assert(
      fc.property(config, (c) => {
        const doc = {
          server: { listen: [{ host: '127.0.0.1', port: c.port }], maxAge: `${c.maxAgeS}s` },
          devices: c.devices.map((d) =>
            d.description === undefined ? { ...d, description: undefined } : d,
          ),
          users: c.users,
          monitor: { pollFreq: `${c.pollFreqMs}ms` },
        }
        const r = parseYamlConfig(stringify(plain(doc)), 'gen.yaml', {})
        assert.deepEqual(r.diagnostics, [])
        assert.ok(r.ok)
        assert.deepEqual(r.value.server.listen, [{ host: '127.0.0.1', port: c.port }])
        assert.equal(r.value.server.maxAgeMs, c.maxAgeS * 1000)
        assert.equal(r.value.monitor?.pollFreqMs, c.pollFreqMs)
        assert.deepEqual(plain(r.value.devices), plain(c.devices))
        assert.deepEqual(
          plain(r.value.users),
          plain(
            c.users.map((u) => ({
              ...u,
              actions: ['SET', 'FSD'].filter((a) => u.actions.includes(a)),
            })),
          ),
        )
      }),
      { numRuns: 200 },
    )
  })

  it('reads durations', () => {
    assert.equal(parseDuration('500ms'), 500)
    assert.equal(parseDuration('15s'), 15_000)
    assert.equal(parseDuration('1h30m'), 5_400_000)
    assert.equal(parseDuration('1.5s'), 1500)
    assert.equal(parseDuration('2d'), 172_800_000)
    assert.equal(parseDuration('5 minutes'), undefined)
    assert.equal(parseDuration(''), undefined)
  })
})
