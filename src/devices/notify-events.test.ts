import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  applyComm,
  applyStatus,
  initialNotifyState,
  type NotifyEvent,
  type NotifyState,
  nextTickDue,
  tick,
} from './notify-events.ts'

const opts = { rbWarnTime: 1000, noCommWarnTime: 100 }

/** Applies a list of statuses one second apart, returning each step's events. */
function run(statuses: string[]): NotifyEvent[][] {
  let state = initialNotifyState(0)
  return statuses.map((status, i) => {
    const result = applyStatus(state, status, i * 1000, opts)
    state = result.state
    return result.events
  })
}

describe('notify events from ups.status', () => {
  it('does not notify ONLINE for the first OL, but does later', () => {
    assert.deepEqual(run(['OL', 'OL', 'OB', 'OL']), [[], [], ['ONBATT'], ['ONLINE']])
  })

  it('notifies ONBATT at startup', () => {
    assert.deepEqual(run(['OB DISCHRG']), [['ONBATT']])
  })

  it('notifies LOWBATT once until LB goes away', () => {
    assert.deepEqual(run(['OB', 'OB LB', 'OB LB', 'OB', 'OB LB']), [
      ['ONBATT'],
      ['LOWBATT'],
      [],
      [],
      ['LOWBATT'],
    ])
  })

  it('notifies FSD once', () => {
    assert.deepEqual(run(['FSD OB LB', 'FSD OB LB']), [['FSD', 'ONBATT', 'LOWBATT'], []])
  })

  it('pairs CAL/NOTCAL and the master flags', () => {
    assert.deepEqual(run(['OL CAL', 'OL', 'OL BYPASS TRIM', 'OL TRIM', 'OL']), [
      ['CAL'],
      ['NOTCAL'],
      ['BYPASS', 'TRIM'],
      ['NOTBYPASS'],
      ['NOTTRIM'],
    ])
  })

  it('notifies OTHER on unknown tokens and NOTOTHER when they go', () => {
    assert.deepEqual(run(['OL FOO', 'OL FOO', 'OL BAR', 'OL CHRG']), [
      ['OTHER'],
      [],
      ['OTHER'],
      ['NOTOTHER'],
    ])
  })

  it('repeats REPLBATT no more often than rbWarnTime', () => {
    let state = initialNotifyState(0)
    const at = (status: string, now: number) => {
      const r = applyStatus(state, status, now, opts)
      state = r.state
      return r.events
    }
    assert.deepEqual(at('OL RB', 0), ['REPLBATT'])
    assert.deepEqual(at('OL RB', 500), [])
    assert.deepEqual(at('OL RB', 1001), ['REPLBATT'])
    assert.equal(nextTickDue(state, opts), 2002)
    const t = tick(state, 2002, opts)
    assert.deepEqual(t.events, ['REPLBATT'])
  })
})

describe('notify events from communication', () => {
  it('gives no COMMOK on the first success, COMMBAD then COMMOK later', () => {
    let s: NotifyState = initialNotifyState(0)
    let r = applyComm(s, true, 0, opts)
    assert.deepEqual(r.events, [])
    s = r.state
    r = applyComm(s, false, 10, opts)
    assert.deepEqual(r.events, ['COMMBAD'])
    s = r.state
    r = applyComm(s, false, 20, opts)
    assert.deepEqual(r.events, [])
    s = r.state
    r = applyComm(s, true, 30, opts)
    assert.deepEqual(r.events, ['COMMOK'])
  })

  it('gives COMMBAD on a failure at startup', () => {
    assert.deepEqual(applyComm(initialNotifyState(0), false, 0, opts).events, ['COMMBAD'])
  })

  it('repeats NOCOMM every noCommWarnTime while failing', () => {
    let s = applyComm(initialNotifyState(0), true, 0, opts).state
    s = applyComm(s, false, 10, opts).state
    assert.equal(nextTickDue(s, opts), 100)
    let r = tick(s, 99, opts)
    assert.deepEqual(r.events, [])
    r = tick(s, 100, opts)
    assert.deepEqual(r.events, ['NOCOMM'])
    s = r.state
    assert.deepEqual(tick(s, 150, opts).events, [])
    const due = nextTickDue(s, opts)
    assert.equal(due, 201)
    assert.deepEqual(tick(s, 201, opts).events, ['NOCOMM'])
    // a status read is a success: COMMOK first, then the status events
    assert.deepEqual(applyStatus(s, 'OB', 300, opts).events, ['COMMOK', 'ONBATT'])
  })
})
