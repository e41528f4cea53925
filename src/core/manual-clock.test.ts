import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RateLimitedLog } from './log.ts'
import { ManualClock } from './manual-clock.ts'

describe('ManualClock', () => {
  it('fires timers in due order and intervals repeatedly', () => {
    const clock = new ManualClock()
    const fired: string[] = []
    clock.setTimeout(() => fired.push('b'), 200)
    clock.setTimeout(() => fired.push('a'), 100)
    const every = clock.setInterval(() => fired.push('i'), 150)
    const cancelled = clock.setTimeout(() => fired.push('never'), 50)
    cancelled.cancel()
    clock.advance(320)
    every.cancel()
    clock.advance(1000)
    assert.deepEqual(fired, ['a', 'i', 'b', 'i'])
    assert.equal(clock.now(), 1320)
  })

  it('moves the wall clock without touching monotonic time', () => {
    const clock = new ManualClock(0)
    clock.jumpWall(-3_600_000)
    assert.equal(clock.now(), 0)
    assert.equal(clock.wallNow(), -3_600_000)
  })
})

describe('RateLimitedLog', () => {
  it('allows a few lines per window and reports what it dropped', () => {
    const clock = new ManualClock()
    const limiter = new RateLimitedLog(clock, 2, 1000)
    assert.deepEqual(
      [limiter.allow('k'), limiter.allow('k'), limiter.allow('k'), limiter.allow('k')],
      [0, 0, -1, -1],
    )
    clock.advance(1000)
    assert.equal(limiter.allow('k'), 2)
  })
})
