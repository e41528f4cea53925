import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { runDriverFaults } from '../helpers/driver-faults.ts'

// Issue 3's fault case: a real NUT driver killed every 5 s under `nutshell upsd` and real
// upsd side by side, then stopped past MAXAGE. The fast tier kills it 6 times (30 s); the
// soak tier (`npm run soak`) runs it as issue 3 words it, 24 times in 2 minutes, through
// NUTSHELL_DRIVER_KILLS. What must hold every time is asserted here; the timings are
// printed by bench/nut-driver-faults.bench.ts (no timing assertions in tests).
const kills = Number.parseInt(process.env['NUTSHELL_DRIVER_KILLS'] ?? '6', 10)

describe(`a NUT driver killed every 5 s, ${kills} times`, () => {
  it('every outage is reported, fresh data comes back each time, no flapping, few log lines', {
    timeout: 60_000 + kills * 10_000,
  }, async () => {
    const lines: string[] = []
    const result = await runDriverFaults(kills, (line) => lines.push(line))
    const ours = result.figures.nutshell
    const context = lines.join('\n')
    assert.equal(ours['outages'], kills, context)
    assert.equal(ours['undetected'], 0, `every outage answers an error to clients\n${context}`)
    assert.equal(ours['neverFresh'], 0, `fresh data after every restart\n${context}`)
    assert.equal(ours['flaps'], 0, `no stale/ok flapping\n${context}`)
    assert.ok(
      (ours['maxLogLinesPerOutage'] ?? 99) <= 2,
      `at most 2 log lines per outage\n${context}`,
    )
    assert.notEqual(result.stopped.nutshell.staleMs, undefined, 'a stopped driver goes stale')
    assert.notEqual(result.stopped.nutshell.backMs, undefined, 'and fresh again when resumed')
  })
})
