import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pino } from 'pino'
import { isNutshellError } from '../core/errors.ts'
import { silentLogger } from '../core/log.ts'
import { ManualClock } from '../core/manual-clock.ts'
import { DeviceStore } from '../devices/device-store.ts'
import { RecordingSink } from './action-sink.ts'
import { startRules } from './start-rules.ts'

function harness(files: Record<string, string>) {
  const store = new DeviceStore()
  const device = store.add('ups')
  device.setCommState('ok')
  const sink = new RecordingSink()
  const options = {
    store,
    clock: new ManualClock(),
    log: silentLogger(),
    sink,
    files: Object.keys(files),
    readText: async (path: string) => {
      const text = files[path]
      if (text === undefined) throw new Error('ENOENT')
      return text
    },
  }
  return { store, device, sink, files, options }
}

describe('startRules', () => {
  it('refuses to start with a file that has errors, with its diagnostics', async () => {
    const h = harness({ 'a.rules': 'when battery.charg < 20 { shutdown }' })
    await assert.rejects(startRules(h.options), (error: unknown) => {
      assert.ok(isNutshellError(error))
      assert.equal(error.code, 'NS_RULES_INVALID')
      assert.match(error.message, /a\.rules:1:6 error RULE2001/)
      return true
    })
  })

  it('a failed reload keeps the old rules; a good one replaces them', async () => {
    const h = harness({ 'a.rules': 'when battery.charge < 20 { log "old {ups}" }' })
    const rules = await startRules(h.options)
    h.device.setValue('battery.charge', '10')
    h.files['a.rules'] = 'when battery.charge < { log "broken" }'
    const failed = await rules.reload()
    assert.equal(failed.ok, false)
    assert.match(failed.report, /RULE1006/)
    h.device.setValue('battery.charge', '50')
    h.device.setValue('battery.charge', '15')
    h.files['a.rules'] = 'when battery.charge < 20 { log "new {ups}" }'
    assert.equal((await rules.reload()).ok, true)
    rules.injectEvent('ups', 'SHUTDOWN')
    rules.stop()
    h.device.setValue('battery.charge', '50')
    h.device.setValue('battery.charge', '5')
    assert.deepEqual(
      h.sink.requests.map((r) => (r.action === 'log' ? r.text : r.action)),
      ['old ups', 'old ups', 'new ups'],
    )
  })

  it('a reload keeps fired rules fired and running timers running', async () => {
    const h = harness({
      'a.rules': `when ups.status has OB { log "on battery" } else { log "back" }
on ONBATT { start timer t 5m }
on timer t { log "timer {ups}" }`,
    })
    const clock = h.options.clock
    const rules = await startRules(h.options)
    h.device.setValue('ups.status', 'OB')
    clock.advance(60_000)
    h.files['a.rules'] += '\nwhen ups.load > 90 { log "new rule" }'
    assert.equal((await rules.reload()).ok, true)
    clock.advance(239_000)
    const before = h.sink.requests.length
    clock.advance(1_000)
    h.device.setValue('ups.status', 'OL')
    rules.stop()
    assert.equal(h.sink.requests.length, before + 2)
    assert.deepEqual(
      h.sink.requests.map((r) => `${r.at / 1000} ${r.action === 'log' ? r.text : r.action}`),
      ['0 on battery', '0 start-timer', '300 timer ups', '300 back'],
    )
  })

  it('checks names against what the devices report; warnings are logged, notes only at debug', async () => {
    const h = harness({
      'a.rules': `when ups.model == "SMART-UPS 700" { log "apcsmart" }
when ups.load = 90 { log "loaded" }`,
    })
    h.device.setValue('ups.model', 'Smart-UPS 700')
    h.device.setValue('ups.load', '10')
    const lines: Array<{ level: number; msg: string; diagnostic?: { code?: string } }> = []
    const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) })
    const rules = await startRules({ ...h.options, log })
    rules.stop()
    assert.deepEqual(
      rules.loaded[0]?.diagnostics.map((d) => [d.code, d.severity]),
      [
        ['RULE2019', 'warning'],
        ['RULE1017', 'note'],
      ],
    )
    assert.match(rules.loaded[0]?.diagnostics[0]?.message ?? '', /reports "Smart-UPS 700"/)
    const logged = lines
      .filter((l) => l.diagnostic !== undefined)
      .map((l) => [l.level, l.msg, l.diagnostic?.code])
    assert.deepEqual(logged, [
      [40, 'rules warning', 'RULE2019'],
      [20, 'rules note', 'RULE1017'],
    ])
  })

  it('injected events run on rules', async () => {
    const h = harness({ 'a.rules': 'on SHUTDOWN { log "bye {ups}" }' })
    const rules = await startRules(h.options)
    rules.injectEvent('ups', 'SHUTDOWN')
    rules.stop()
    assert.deepEqual(
      h.sink.requests.map((r) => (r.action === 'log' ? r.text : r.action)),
      ['bye ups'],
    )
  })
})
