import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ManualClock } from './manual-clock.ts'
import { scaledClock } from './scaled-clock.ts'

describe('scaledClock', () => {
  it('runs timers and time factor times faster than its base', () => {
    const base = new ManualClock()
    const fast = scaledClock(base, 10)
    const fired: number[] = []
    fast.setTimeout(() => fired.push(fast.now()), 10_000)
    const wall = fast.wallNow()
    base.advance(999)
    assert.deepEqual(fired, [])
    base.advance(1)
    assert.deepEqual(fired, [10_000])
    assert.equal(fast.wallNow() - wall, 10_000)
    let ticks = 0
    const every = fast.setInterval(() => ticks++, 5_000)
    base.advance(2_000)
    every.cancel()
    assert.equal(ticks, 4)
    assert.throws(() => scaledClock(base, 0), { name: 'NutshellError', code: 'NS_INTERNAL' })
  })
})
