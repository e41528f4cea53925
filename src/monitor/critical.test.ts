import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { applyComm, applyStatus, initialNotifyState } from '../devices/notify-events.ts'
import {
  type CriticalTimings,
  criticalReason,
  suppliesSum,
  type UpsCriticalView,
} from './critical.ts'

const tokens = ['OL', 'OB', 'LB', 'FSD', 'CAL', 'OFF', 'OVER', 'ALARM', 'BYPASS', 'RB', 'CHRG']

/** A UPS after a random history of statuses and failed polls, at a random time. */
const history = fc.record({
  steps: fc.array(
    fc.oneof(
      fc.subarray(tokens).map((t) => ({ status: t.join(' ') })),
      fc.constant({ status: undefined as string | undefined }),
    ),
    { minLength: 1, maxLength: 8 },
  ),
  gap: fc.integer({ min: 0, max: 60_000 }),
  role: fc.constantFrom('primary' as const, 'secondary' as const),
})

const timings: CriticalTimings = {
  deadTimeMs: 15_000,
  hostSyncMs: 15_000,
  offDurationMs: 30_000,
  overDurationMs: -1,
  obLbDurationMs: 0,
  alarmCritical: true,
}

function build(h: {
  steps: { status: string | undefined }[]
  gap: number
  role: 'primary' | 'secondary'
}): { view: UpsCriticalView; now: number } {
  let state = initialNotifyState(0)
  let now = 0
  let contacted = false
  for (const step of h.steps) {
    now += 1_000
    if (step.status === undefined || step.status.length === 0) {
      state = applyComm(state, false, now).state
    } else {
      state = applyStatus(state, step.status, now).state
      contacted = true
    }
  }
  return {
    view: { notify: state, role: h.role, contacted, offSince: undefined, obLbSince: undefined },
    now: now + h.gap,
  }
}

describe('critical rule (properties)', () => {
  it('a UPS never contacted is never critical', () => {
    fc.assert(
      fc.property(history, (h) => {
        const { view, now } = build(h)
        return criticalReason({ ...view, contacted: false }, now, timings) === undefined
      }),
    )
  })

  it('FSD in the last status read is always critical', () => {
    fc.assert(
      fc.property(history, (h) => {
        const { view, now } = build({ ...h, steps: [...h.steps, { status: 'FSD OL' }] })
        return criticalReason(view, now, timings) === 'fsd'
      }),
    )
  })

  it('on line power and communicating, only FSD or a long OFF is critical', () => {
    fc.assert(
      fc.property(history, fc.subarray(['CHRG', 'RB', 'TRIM', 'BOOST']), (h, extra) => {
        const { view, now } = build({
          ...h,
          steps: [...h.steps, { status: ['OL', ...extra].join(' ') }],
        })
        return criticalReason(view, now, timings) === undefined
      }),
    )
  })

  it('a secondary on OB LB is not critical before HOSTSYNC has passed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15_000 }), (gap) => {
        const { view } = build({
          steps: [{ status: 'OL' }, { status: 'OB LB' }],
          gap: 0,
          role: 'secondary',
        })
        return criticalReason(view, view.notify.lastSuccess + gap, timings) === undefined
      }),
    )
  })

  it('supplies add up only the UPSes that are not critical', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ powerValue: fc.nat(5), critical: fc.boolean() })),
        (upses) => {
          const expected = upses.filter((u) => !u.critical).reduce((s, u) => s + u.powerValue, 0)
          return suppliesSum(upses) === expected
        },
      ),
    )
    assert.equal(suppliesSum([]), 0)
  })
})
