import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { resolveMode } from './mode.ts'

// What Debian's dummy-ups 2.8.0 runs and reports in driver.parameter.mode (observed).
describe('resolveMode', () => {
  const cases: Array<[string, string | undefined, string, string]> = [
    ['x.dev', undefined, 'dummy-once', 'dummy-once'],
    ['x.seq', undefined, 'dummy-loop', 'dummy-loop'],
    ['x.txt', undefined, 'dummy-loop', 'dummy'],
    ['X.DEV', undefined, 'dummy-loop', 'dummy'],
    ['x.dev.bak', undefined, 'dummy-loop', 'dummy'],
    ['ups@host:3493', undefined, 'repeater', 'repeater'],
    ['x.dev', 'dummy', 'dummy-loop', 'dummy-loop'],
    ['x.dev', 'dummy-loop', 'dummy-loop', 'dummy-loop'],
    ['x.seq', 'dummy-once', 'dummy-once', 'dummy-once'],
    ['x.dev', 'bogus', 'dummy-once', 'dummy-once'],
    ['x.dev', 'DUMMY-ONCE', 'dummy-once', 'DUMMY-ONCE'],
    ['x.seq', 'DUMMY-ONCE', 'dummy-loop', 'dummy-loop'],
    ['x.seq', 'Dummy-Loop', 'dummy-loop', 'Dummy-Loop'],
    ['x.txt', 'Dummy', 'dummy-loop', 'Dummy'],
    ['x.txt', 'bogus', 'dummy-loop', 'dummy'],
  ]
  for (const [port, option, mode, reported] of cases) {
    it(`${port} with mode ${option ?? '(none)'} runs ${mode}, reported as ${reported}`, () => {
      const resolved = resolveMode(port, option)
      assert.equal(resolved.mode, mode)
      assert.equal(resolved.reported, reported)
      const known = ['dummy', 'dummy-once', 'dummy-loop', 'repeater', undefined]
      assert.equal(resolved.warning !== undefined, !known.includes(option))
    })
  }
})
