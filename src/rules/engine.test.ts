import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { silentLogger } from '../core/log.ts'
import { ManualClock } from '../core/manual-clock.ts'
import { DeviceStore } from '../devices/device-store.ts'
import { describeAction, RecordingSink } from './action-sink.ts'
import { hasErrors } from './diagnostics.ts'
import { RulesEngine } from './engine.ts'
import { loadRulesText } from './load.ts'
import { renderDiagnostics } from './source.ts'

function setup(text: string, devices = ['ups']) {
  const loaded = loadRulesText('t.rules', text)
  assert.ok(!hasErrors(loaded.diagnostics), renderDiagnostics(loaded.source, loaded.diagnostics))
  const clock = new ManualClock()
  const store = new DeviceStore()
  for (const name of devices) store.add(name).setCommState('ok')
  const sink = new RecordingSink()
  const engine = new RulesEngine([loaded], { store, clock, sink, log: silentLogger() })
  engine.start()
  const set = (device: string, name: string, value: string) =>
    store.get(device)?.setValue(name, value)
  const actions = () =>
    sink.requests.splice(0).map((r) => `${r.at / 1000}s ${r.action} ${describeAction(r)}`)
  return { clock, store, set, actions, engine }
}

describe('when rules', () => {
  it('fires once when the condition becomes true, again after it was false', () => {
    const t = setup('when battery.charge < 20 { notify "{ups} low {battery.charge}" }')
    t.set('ups', 'battery.charge', '50')
    t.set('ups', 'battery.charge', '19')
    t.set('ups', 'battery.charge', '10')
    t.set('ups', 'battery.charge', '30')
    t.set('ups', 'battery.charge', '5')
    assert.deepEqual(t.actions(), ['0s notify ups low 19', '0s notify ups low 5'])
  })

  it('waits for `for` and cancels when the condition stops holding', () => {
    const t = setup('when ups.status has OB for 2m { notify "on battery" }')
    t.set('ups', 'ups.status', 'OB')
    t.clock.advance(60_000)
    t.set('ups', 'ups.status', 'OL')
    t.clock.advance(120_000)
    assert.deepEqual(t.actions(), [])
    t.set('ups', 'ups.status', 'OB DISCHRG')
    t.clock.advance(120_000)
    assert.deepEqual(t.actions(), ['300s notify on battery'])
  })

  it('runs else when the condition stops holding, with for on both sides', () => {
    const t = setup(`when ups.status has OB for 10s { log "down" } else for 30s { log "back" }`)
    t.set('ups', 'ups.status', 'OB')
    t.clock.advance(10_000)
    t.set('ups', 'ups.status', 'OL')
    t.clock.advance(20_000)
    t.set('ups', 'ups.status', 'OB')
    t.set('ups', 'ups.status', 'OL')
    t.clock.advance(30_000)
    assert.deepEqual(t.actions(), ['10s log down', '60s log back'])
  })

  it('else when gives hysteresis', () => {
    const t = setup(
      `when battery.charge < 20 { log "low" } else when battery.charge > 30 { log "ok" }`,
    )
    for (const v of ['50', '19', '21', '18', '25', '31', '19']) t.set('ups', 'battery.charge', v)
    assert.deepEqual(t.actions(), ['0s log low', '0s log ok', '0s log low'])
  })

  it('treats a missing variable as unknown, even under not', () => {
    const t = setup('when not battery.charge > 50 { log "x" }')
    t.set('ups', 'ups.status', 'OL')
    assert.deepEqual(t.actions(), [])
    t.set('ups', 'battery.charge', 'n/a')
    assert.deepEqual(t.actions(), [])
    t.set('ups', 'battery.charge', '40')
    assert.deepEqual(t.actions(), ['0s log x'])
  })

  it('skips has-only rules when their flags did not move, but not when the variable appears', () => {
    const t = setup(`when not ups.status has OB { log "not OB: {ups.status}" }
when ups.status has OB and battery.charge < 50 { log "low on battery" }`)
    t.set('ups', 'battery.charge', '40')
    t.set('ups', 'ups.status', 'OL')
    t.set('ups', 'ups.status', 'OL CHRG')
    t.set('ups', 'ups.status', 'OB DISCHRG')
    t.set('ups', 'ups.status', 'OB')
    t.set('ups', 'ups.status', 'OL')
    assert.deepEqual(t.actions(), [
      '0s log not OB: OL',
      '0s log low on battery',
      '0s log not OB: OL',
    ])
  })

  it('applies a rule to each device, and explicit names across devices', () => {
    const t = setup(
      `when ups.load > 80 { log "{ups} loaded" }
when a:ups.status has OB and b:ups.status has OB { log "both on battery ({ups})" }`,
      ['a', 'b'],
    )
    t.set('a', 'ups.load', '90')
    t.set('b', 'ups.load', '85')
    t.set('a', 'ups.status', 'OB')
    t.set('b', 'ups.status', 'OB')
    assert.deepEqual(t.actions(), [
      '0s log a loaded',
      '0s log b loaded',
      '0s log both on battery (a)',
    ])
  })

  it('device blocks limit rules to one device', () => {
    const t = setup('device "b" { when ups.load > 80 { log "{ups}" } }', ['a', 'b'])
    t.set('a', 'ups.load', '90')
    t.set('b', 'ups.load', '90')
    assert.deepEqual(t.actions(), ['0s log b'])
  })

  it('reads comm state and arithmetic', () => {
    const t = setup(`when comm != "ok" for 1m { log "lost {ups}" }
when input.voltage - output.voltage > 10 { log "drop" }`)
    t.set('ups', 'input.voltage', '230')
    t.set('ups', 'output.voltage', '215')
    t.store.get('ups')?.setCommState('stale')
    t.clock.advance(60_000)
    assert.deepEqual(t.actions(), ['0s log drop', '60s log lost ups'])
  })
})

describe('on rules and timers', () => {
  it('runs the issue example: ONBATT starts a timer, ONLINE cancels it', () => {
    const t = setup(`on ONBATT { start timer early 5m }
on ONLINE { cancel timer early }
on timer early { hibernate }`)
    t.set('ups', 'ups.status', 'OL')
    t.set('ups', 'ups.status', 'OB')
    t.clock.advance(60_000)
    t.set('ups', 'ups.status', 'OL')
    t.clock.advance(600_000)
    t.set('ups', 'ups.status', 'OB')
    t.clock.advance(300_000)
    assert.deepEqual(t.actions(), [
      '0s start-timer early 300s',
      '60s cancel-timer early',
      '660s start-timer early 300s',
      '960s hibernate ups',
    ])
  })

  it('derives COMMBAD, NOCOMM and COMMOK from the comm state', () => {
    const t = setup('on COMMBAD, NOCOMM, COMMOK { log "{event} {ups}" }')
    t.set('ups', 'ups.status', 'OL')
    t.store.get('ups')?.setCommState('lost')
    t.clock.advance(300_000)
    t.store.get('ups')?.setCommState('ok')
    assert.deepEqual(t.actions(), [
      '0s log COMMBAD ups',
      '300s log NOCOMM ups',
      '300s log COMMOK ups',
    ])
  })

  it('cancel timer ... else runs when no timer was running', () => {
    const t = setup(`on ONLINE { cancel timer t else { log "none" } }
on ONBATT { start timer t 1m }
on timer t { log "t" }`)
    t.set('ups', 'ups.status', 'OB')
    t.set('ups', 'ups.status', 'OL')
    t.set('ups', 'ups.status', 'OB')
    t.clock.advance(60_000)
    t.set('ups', 'ups.status', 'OL')
    assert.deepEqual(t.actions(), [
      '0s start-timer t 60s',
      '0s cancel-timer t',
      '0s start-timer t 60s',
      '60s log t',
      '60s cancel-timer t (not running)',
      '60s log none',
    ])
  })

  it('actions carry their device and arguments', () => {
    const t = setup(
      `when ups.status has LB {
  instcmd beeper.disable
  instcmd b load.off
  instcmd load.off.delay 30
  set b ups.delay.shutdown 120
  fsd
  exec ["/bin/echo", "{ups}"] timeout 5s
  webhook "http://127.0.0.1:1/x"
}`,
      ['a', 'b'],
    )
    t.set('a', 'ups.status', 'OB LB')
    assert.deepEqual(t.actions(), [
      '0s instcmd a beeper.disable',
      '0s instcmd b load.off',
      '0s instcmd a load.off.delay 30',
      '0s set b ups.delay.shutdown 120',
      '0s fsd a',
      '0s exec /bin/echo a',
      '0s webhook http://127.0.0.1:1/x',
    ])
  })

  it('stop cancels every timer', () => {
    const t = setup('when ups.status has OB for 1m { log "x" }')
    t.set('ups', 'ups.status', 'OB')
    t.engine.stop()
    t.clock.advance(120_000)
    assert.deepEqual(t.actions(), [])
    assert.equal(t.clock.pendingCount(), 0)
  })
})

describe('evaluation properties', () => {
  it('never raises a run-time error, whatever the rules read and the devices report', async () => {
    const fc = (await import('fast-check')).default
    const { ruleText: rule } = await import('../../test/fixtures/rules/arbitraries.ts')
    const { pino } = await import('pino')
    const errors: string[] = []
    const log = pino({ level: 'error' }, { write: (line: string) => errors.push(line) })
    const value = fc.constantFrom('', '0', '42', '-3.5', 'OB LB', 'OL', 'n/a', '1e9', ' 7 ', 'NaN')
    const name = fc.constantFrom('battery.charge', 'ups.status', 'comm', 'x', 'input.L1-L2.voltage')
    fc.assert(
      fc.property(
        fc.array(rule, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(name, value), { maxLength: 12 }),
        (rules, writes) => {
          const loaded = loadRulesText('p.rules', rules.join('\n'))
          if (loaded.diagnostics.some((d) => d.severity === 'error')) return
          const clock = new ManualClock()
          const store = new DeviceStore()
          const device = store.add('ups')
          device.setCommState('ok')
          const engine = new RulesEngine([loaded], { store, clock, sink: new RecordingSink(), log })
          engine.start()
          for (const [n, v] of writes) {
            if (v === '') device.deleteVariable(n)
            else device.setValue(n, v)
            clock.advance(30_000)
          }
          engine.stop()
        },
      ),
      { numRuns: 150 },
    )
    assert.deepEqual(errors, [])
  })
})
