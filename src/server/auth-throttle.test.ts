import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ManualClock } from '../core/manual-clock.ts'
import { FailureThrottle } from './auth-throttle.ts'

describe('FailureThrottle', () => {
  it('lets a few failures pass, then doubles the delay up to the cap', () => {
    const throttle = new FailureThrottle(new ManualClock(), {
      freeFailures: 2,
      baseDelayMs: 100,
      maxDelayMs: 500,
    })
    const delays = Array.from({ length: 7 }, () => throttle.recordFailure('10.0.0.1'))
    assert.deepEqual(delays, [0, 0, 100, 200, 400, 500, 500])
    assert.equal(throttle.recordFailure('10.0.0.2'), 0)
  })

  it('forgets an address after a quiet period and bounds its memory', () => {
    const clock = new ManualClock()
    const throttle = new FailureThrottle(clock, {
      freeFailures: 0,
      forgetAfterMs: 1_000,
      maxAddresses: 2,
    })
    throttle.recordFailure('a')
    clock.advance(1_001)
    assert.equal(throttle.failures('a'), 1)
    throttle.recordFailure('a')
    assert.equal(throttle.failures('a'), 1)
    throttle.recordFailure('b')
    throttle.recordFailure('c')
    assert.equal(throttle.failures('a'), 0)
  })
})
