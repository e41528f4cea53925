import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ManualClock } from '../core/manual-clock.ts'
import { TrackingTable } from './tracking.ts'

describe('TrackingTable', () => {
  it('hands out upper-case UUIDv4 ids, PENDING until settled, then expires them', async () => {
    const clock = new ManualClock()
    const table = new TrackingTable(clock, 1_000)
    let settle: (v: 'SUCCESS') => void = () => {}
    const id = table.track(new Promise((resolve) => (settle = resolve)))
    assert.match(id, /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/)
    assert.equal(table.lookup(id), 'PENDING')
    settle('SUCCESS')
    await Promise.resolve()
    assert.equal(table.lookup(id.toLowerCase()), 'SUCCESS')
    clock.advance(1_001)
    assert.equal(table.lookup(id), 'ERR UNKNOWN')
    assert.equal(table.size, 0)
  })

  it('keeps a bounded number of entries', () => {
    const table = new TrackingTable(new ManualClock(), 1_000, 3)
    for (let i = 0; i < 10; i++) table.track(Promise.resolve('SUCCESS'))
    assert.equal(table.size, 3)
  })
})
