import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { judge, type LinkFacts, nextDeadline, shouldPing } from './staleness.ts'

const base: LinkFacts = {
  connected: true,
  lastHeard: 0,
  dumpDone: true,
  dataOk: true,
  distrustedUntil: 0,
  resyncing: false,
}

describe('staleness as upsd judges it', () => {
  it('is lost without a connection, fresh during the first dump', () => {
    assert.equal(judge({ ...base, connected: false }, 0, 15_000).state, 'lost')
    assert.equal(judge({ ...base, dumpDone: false, dataOk: false }, 0, 15_000).state, 'ok')
  })

  it('tolerates MAXAGE of silence, not more', () => {
    assert.equal(judge(base, 15_000, 15_000).state, 'ok')
    assert.deepEqual(judge(base, 15_001, 15_000), { state: 'stale', reason: 'silent' })
    assert.equal(nextDeadline(base, 1000, 15_000), 15_001)
  })

  it('follows DATASTALE after the dump, and distrust after garbage', () => {
    assert.equal(judge({ ...base, dataOk: false }, 0, 15_000).reason, 'driver-says-stale')
    assert.equal(judge({ ...base, distrustedUntil: 500 }, 100, 15_000).reason, 'garbage')
    assert.equal(judge({ ...base, distrustedUntil: 500 }, 500, 15_000).state, 'ok')
    assert.equal(judge({ ...base, resyncing: true }, 0, 15_000).state, 'stale')
  })

  it('pings after a third of MAXAGE of silence, once per third', () => {
    assert.equal(shouldPing(0, 0, 5000, 15_000), false)
    assert.equal(shouldPing(0, 0, 5001, 15_000), true)
    assert.equal(shouldPing(0, 5001, 6000, 15_000), false)
    assert.equal(shouldPing(0, 5001, 10_002, 15_000), true)
  })
})
