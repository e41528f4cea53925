import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { silentLogger } from '../core/log.ts'
import { ManualClock } from '../core/manual-clock.ts'
import type { DeviceChange } from '../devices/device.ts'
import { DeviceStore } from '../devices/device-store.ts'
import { describeAction, RecordingSink } from './action-sink.ts'
import { RulesEngine } from './engine.ts'
import { loadRulesText } from './load.ts'

describe('rules and driver update batches', () => {
  it('judge a burst of updates once it is whole', () => {
    const store = new DeviceStore()
    const ups = store.add('ups')
    ups.setCommState('ok')
    ups.setValue('ups.status', 'OL')
    ups.setValue('battery.charge', '100')
    const sink = new RecordingSink()
    const rules = loadRulesText(
      't.rules',
      'when ups.status has OB and battery.charge < 50 { notify "{ups} on battery at {battery.charge}" }\non ONBATT { log "onbatt {battery.charge}" }\n',
    )
    const engine = new RulesEngine([rules], {
      store,
      clock: new ManualClock(),
      sink,
      log: silentLogger(),
    })
    engine.start()
    // A NUT driver sends the new status before the new charge, in one burst.
    ups.update(() => {
      ups.setValue('ups.status', 'OB DISCHRG')
      assert.equal(sink.requests.length, 0, 'nothing is judged in the middle of the burst')
      ups.setValue('battery.charge', '40')
    })
    assert.deepEqual(sink.requests.map((r) => `${r.action} ${describeAction(r)}`).sort(), [
      'log onbatt 40',
      'notify ups on battery at 40',
    ])
    engine.stop()
  })

  it('ends a batch with one batch-end, and none when nothing changed', () => {
    const store = new DeviceStore()
    const ups = store.add('ups')
    const kinds: string[] = []
    store.onChange((c: DeviceChange) => kinds.push(c.kind))
    ups.update(() => {
      ups.setValue('a', '1')
      ups.update(() => ups.setValue('b', '2'))
    })
    ups.update(() => ups.setValue('a', '1'))
    assert.deepEqual(kinds, ['variable', 'variable', 'batch-end'])
    assert.equal(ups.inBatch, false)
  })
})
