import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  advance,
  FakeLink,
  flush,
  harness,
  monitorConfig,
  ups,
} from '../../test/helpers/monitor-fakes.ts'
import { ManualClock } from '../core/manual-clock.ts'

describe('Monitor core (upsmon semantics, ManualClock)', () => {
  it('notifies ONBATT, LOWBATT and shuts down as primary on OB LB', async () => {
    const clock = new ManualClock()
    const link = new FakeLink()
    const h = harness(monitorConfig([ups('a')]), [link], clock)
    h.monitor.start()
    await flush()
    assert.deepEqual(h.notes, [])
    link.set('OB DISCHRG')
    await advance(clock, 5_000)
    assert.deepEqual(h.notes, ['ONBATT a@localhost'])
    link.set('OB LB')
    await advance(clock, 5_000)
    assert.equal(link.fsdSet, true)
    assert.deepEqual(h.notes, ['ONBATT a@localhost', 'LOWBATT a@localhost', 'SHUTDOWN'])
    assert.equal(h.shutdown.shutdowns, 0, 'FINALDELAY not over yet')
    await advance(clock, 5_000)
    assert.equal(h.shutdown.flagWritten, true)
    assert.equal(h.shutdown.shutdowns, 1)
    assert.equal(link.closed, true, 'SHUTDOWNEXIT yes: the monitor leaves')
  })

  it('reacts to a pushed change without waiting for the poll', async () => {
    const clock = new ManualClock()
    const link = new FakeLink()
    const h = harness(monitorConfig([ups('a')], { finalDelayMs: 0 }), [link], clock)
    h.monitor.start()
    await flush()
    link.push('OB LB')
    await flush()
    assert.deepEqual(h.notes, ['ONBATT a@localhost', 'LOWBATT a@localhost', 'SHUTDOWN'])
    assert.equal(h.shutdown.shutdowns, 1)
    assert.equal(clock.now(), 0)
  })

  it('secondary waits for the primary FSD, then gives up after HOSTSYNC', async () => {
    const clock = new ManualClock()
    const link = new FakeLink()
    const config = monitorConfig([ups('a', 'secondary')], { hostSyncMs: 15_000, finalDelayMs: 0 })
    const h = harness(config, [link], clock)
    h.monitor.start()
    link.push('OB LB')
    await advance(clock, 15_000)
    assert.equal(h.shutdown.shutdowns, 0)
    assert.equal(link.fsdSet, false, 'a secondary never sets FSD')
    await advance(clock, 6_000)
    assert.equal(h.shutdown.shutdowns, 1)
  })

  it('secondary shuts down at once on FSD', async () => {
    const clock = new ManualClock()
    const link = new FakeLink()
    const h = harness(monitorConfig([ups('a', 'secondary')], { finalDelayMs: 0 }), [link], clock)
    h.monitor.start()
    link.push('FSD OB LB')
    await flush()
    // upsmon walks the status tokens in order.
    assert.deepEqual(h.notes, [
      'FSD a@localhost',
      'ONBATT a@localhost',
      'LOWBATT a@localhost',
      'SHUTDOWN',
    ])
    assert.equal(h.shutdown.shutdowns, 1)
  })

  it('MINSUPPLIES 2 with two UPSes: one critical is enough', async () => {
    const clock = new ManualClock()
    const a = new FakeLink()
    const b = new FakeLink()
    const config = monitorConfig([ups('a'), ups('b')], { minSupplies: 2, finalDelayMs: 0 })
    const h = harness(config, [a, b], clock)
    h.monitor.start()
    a.push('OB LB')
    await flush()
    assert.equal(h.shutdown.shutdowns, 1)
    assert.equal(a.fsdSet, true)
    assert.equal(b.fsdSet, true, 'the primary sets FSD on every UPS it is primary for')
  })

  it('MINSUPPLIES 1 with two UPSes: one critical is not enough, both are', async () => {
    const clock = new ManualClock()
    const a = new FakeLink()
    const b = new FakeLink()
    const config = monitorConfig([ups('a'), ups('b')], { minSupplies: 1, finalDelayMs: 0 })
    const h = harness(config, [a, b], clock)
    h.monitor.start()
    a.push('OB LB')
    await advance(clock, 60_000, 1_000)
    assert.equal(h.shutdown.shutdowns, 0)
    b.push('OB LB')
    await flush()
    assert.equal(h.shutdown.shutdowns, 1)
  })

  it('defaultPolicy false: notifies but leaves the shutdown to the rules', async () => {
    const clock = new ManualClock()
    const link = new FakeLink()
    const config = monitorConfig([ups('a')], { defaultPolicy: false, finalDelayMs: 0 })
    const h = harness(config, [link], clock)
    h.monitor.start()
    link.push('OB LB')
    await advance(clock, 30_000, 1_000)
    assert.deepEqual(h.notes, ['ONBATT a@localhost', 'LOWBATT a@localhost'])
    assert.equal(h.shutdown.shutdowns, 0)
    await h.monitor.requestFsd()
    assert.equal(h.shutdown.shutdowns, 1)
  })

  it('SHUTDOWNEXIT no keeps the monitor logged in; a duration leaves after it', async () => {
    for (const [shutdownExit, closedAfter] of [
      [false, undefined],
      [10_000, 10_000],
    ] as const) {
      const clock = new ManualClock()
      const link = new FakeLink()
      const config = monitorConfig([ups('a')], { shutdownExit, finalDelayMs: 0 })
      const h = harness(config, [link], clock)
      let exited = false
      h.monitor.events.on('exit', () => {
        exited = true
      })
      h.monitor.start()
      link.push('OB LB')
      await flush()
      assert.equal(h.shutdown.shutdowns, 1)
      assert.equal(link.closed, false)
      await advance(clock, 9_000, 1_000)
      assert.equal(link.closed, false)
      await advance(clock, 2_000, 1_000)
      assert.equal(link.closed, closedAfter !== undefined)
      assert.equal(exited, closedAfter !== undefined)
      await h.monitor.stop()
    }
  })

  it('power value 0 is monitoring only', async () => {
    const clock = new ManualClock()
    const a = new FakeLink()
    const b = new FakeLink()
    const config = monitorConfig([ups('a'), ups('b', 'primary', 0)], { finalDelayMs: 0 })
    const h = harness(config, [a, b], clock)
    h.monitor.start()
    b.push('OB LB')
    await advance(clock, 10_000)
    assert.equal(h.shutdown.shutdowns, 0)
  })

  it('refuses a config whose power values cannot reach MINSUPPLIES', () => {
    assert.throws(
      () =>
        harness(monitorConfig([ups('a')], { minSupplies: 2 }), [new FakeLink()], new ManualClock()),
      /MINSUPPLIES/,
    )
  })

  it('comm lost while on battery: critical after DEADTIME, with COMMBAD and NOCOMM', async () => {
    const clock = new ManualClock()
    const link = new FakeLink()
    const config = monitorConfig([ups('a')], {
      deadTimeMs: 15_000,
      noCommWarnTimeMs: 10_000,
      finalDelayMs: 0,
    })
    const h = harness(config, [link], clock)
    h.monitor.start()
    link.push('OB')
    await flush()
    link.set(undefined)
    await advance(clock, 5_000)
    assert.deepEqual(h.notes, ['ONBATT a@localhost', 'COMMBAD a@localhost'])
    await advance(clock, 9_000)
    assert.equal(h.shutdown.shutdowns, 0, 'not before DEADTIME')
    await advance(clock, 6_000)
    assert.equal(h.shutdown.shutdowns, 1)
    assert.ok(h.notes.includes('NOCOMM a@localhost'))
  })

  it('comm lost while on line power never shuts down', async () => {
    const clock = new ManualClock()
    const link = new FakeLink()
    const h = harness(monitorConfig([ups('a')], { finalDelayMs: 0 }), [link], clock)
    h.monitor.start()
    await flush()
    link.set(undefined)
    await advance(clock, 120_000, 1_000)
    assert.equal(h.shutdown.shutdowns, 0)
    link.set('OL')
    await advance(clock, 5_000)
    assert.ok(h.notes.includes('COMMOK a@localhost'))
  })

  it('HOSTSYNC: a primary waits for a secondary that never logs out, then proceeds', async () => {
    const clock = new ManualClock()
    const link = new FakeLink()
    link.logins = 1
    const config = monitorConfig([ups('a')], { hostSyncMs: 8_000, finalDelayMs: 1_000 })
    const h = harness(config, [link], clock)
    h.monitor.start()
    link.push('OB LB')
    await flush()
    assert.ok(h.notes.includes('SHUTDOWN_HOSTSYNC'))
    assert.ok(!h.notes.includes('SHUTDOWN'))
    await advance(clock, 7_500)
    assert.ok(!h.notes.includes('SHUTDOWN'), 'still within HOSTSYNC')
    await advance(clock, 750)
    assert.ok(h.notes.includes('SHUTDOWN'))
    await advance(clock, 1_000)
    assert.equal(h.shutdown.shutdowns, 1)
  })

  it('HOSTSYNC: the primary proceeds as soon as the secondaries log out', async () => {
    const clock = new ManualClock()
    const link = new FakeLink()
    link.logins = 1
    const h = harness(monitorConfig([ups('a')], { finalDelayMs: 0 }), [link], clock)
    h.monitor.start()
    link.push('OB LB')
    await advance(clock, 1_000)
    assert.equal(h.shutdown.shutdowns, 0)
    link.logins = 0
    await advance(clock, 250)
    assert.equal(h.shutdown.shutdowns, 1)
  })

  it('-c fsd: the sequence runs at once whatever the UPS says', async () => {
    const clock = new ManualClock()
    const link = new FakeLink()
    const h = harness(monitorConfig([ups('a')], { finalDelayMs: 0 }), [link], clock)
    h.monitor.start()
    await flush()
    await h.monitor.requestFsd()
    assert.equal(link.fsdSet, true)
    assert.equal(h.shutdown.shutdowns, 1)
  })

  it('wall-clock jumps of an hour either way cause no shutdown and no comm flip', async () => {
    const clock = new ManualClock()
    const link = new FakeLink()
    link.mode = 'push'
    const config = monitorConfig([ups('a')], { deadTimeMs: 15_000, finalDelayMs: 0 })
    const h = harness(config, [link], clock)
    h.monitor.start()
    link.push('OB')
    await advance(clock, 2_000)
    clock.jumpWall(3_600_000)
    await advance(clock, 10_000)
    clock.jumpWall(-7_200_000)
    await advance(clock, 10_000)
    assert.equal(h.shutdown.shutdowns, 0)
    assert.deepEqual(h.notes, ['ONBATT a@localhost'])
  })

  it('OFF for longer than OFFDURATION is critical; shorter is not', async () => {
    const clock = new ManualClock()
    const link = new FakeLink()
    const config = monitorConfig([ups('a')], { offDurationMs: 30_000, finalDelayMs: 0 })
    const h = harness(config, [link], clock)
    h.monitor.start()
    link.push('OFF')
    await advance(clock, 25_000)
    link.push('OL')
    await advance(clock, 10_000)
    assert.equal(h.shutdown.shutdowns, 0)
    assert.deepEqual(h.notes, ['OFF a@localhost', 'NOTOFF a@localhost'])
    link.push('OFF')
    await advance(clock, 31_000)
    assert.equal(h.shutdown.shutdowns, 1)
  })

  it('OBLBDURATION delays OB LB before it counts', async () => {
    const clock = new ManualClock()
    const link = new FakeLink()
    const config = monitorConfig([ups('a')], { obLbDurationMs: 10_000, finalDelayMs: 0 })
    const h = harness(config, [link], clock)
    h.monitor.start()
    link.push('OB LB')
    await advance(clock, 5_000)
    assert.equal(h.shutdown.shutdowns, 0)
    await advance(clock, 6_000)
    assert.equal(h.shutdown.shutdowns, 1)
  })

  it('calibration (OB LB CAL) is not critical', async () => {
    const clock = new ManualClock()
    const link = new FakeLink()
    const h = harness(monitorConfig([ups('a')], { finalDelayMs: 0 }), [link], clock)
    h.monitor.start()
    link.push('OB LB CAL')
    await advance(clock, 20_000)
    assert.equal(h.shutdown.shutdowns, 0)
  })

  it('polls at POLLFREQALERT while on battery', async () => {
    const clock = new ManualClock()
    const link = new FakeLink()
    const config = monitorConfig([ups('a')], { pollFreqMs: 10_000, pollFreqAlertMs: 1_000 })
    const h = harness(config, [link], clock)
    h.monitor.start()
    await advance(clock, 20_000, 500)
    const online = link.reads
    link.set('OB')
    await advance(clock, 10_000, 500)
    assert.ok(link.reads - online >= 9, `reads on battery: ${link.reads - online}`)
    await h.monitor.stop()
  })
})
