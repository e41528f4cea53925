import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { silentLogger } from '../../core/log.ts'
import { ManualClock } from '../../core/manual-clock.ts'
import { DeviceStore } from '../../devices/device-store.ts'
import { parseDummyData } from './data-file.ts'
import { demoDeviceConfig, demoPowerCutSeq, writeDemoData } from './demo-data.ts'
import { DummyDriver } from './dummy-driver.ts'

describe('demo data', () => {
  it('parses without a single diagnostic', () => {
    assert.deepEqual(parseDummyData(demoPowerCutSeq).diagnostics, [])
  })

  it('replays every phase of a power cut, in a loop of about 83 s, recharging step by step', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-demo-'))
    try {
      const path = await writeDemoData(dir)
      const clock = new ManualClock()
      const store = new DeviceStore()
      const device = store.add('demo')
      const context = { clock, log: silentLogger(), configDir: '/nonexistent', statePath: dir }
      const driver = new DummyDriver(demoDeviceConfig(path), device, context)
      const statuses: string[] = []
      const charges: number[] = []
      store.onChange((c) => {
        if (c.kind !== 'variable') return
        if (c.name === 'ups.status') statuses.push(`${clock.now() / 1000}s ${c.value}`)
        if (c.name === 'battery.charge') charges.push(Number(c.value))
      })
      await driver.start()
      assert.equal(device.listVariables().length >= 20, true)
      for (let t = 0; t < 170_000; t += 500) {
        clock.advance(500)
        await driver.idle()
      }
      await driver.stop()
      assert.deepEqual(statuses, [
        '0s OL',
        '12s OB DISCHRG',
        '42s OB DISCHRG LB',
        '51s OL CHRG',
        '78s OL',
        '95s OB DISCHRG',
        '125s OB DISCHRG LB',
        '134s OL CHRG',
        '161s OL',
      ])
      assert.ok(charges.includes(100) && charges.includes(11) && charges.includes(94))
      // Gradual both ways: no step of the charge is bigger than a tenth of the battery.
      const steps = charges.slice(1).map((c, i) => Math.abs(c - (charges[i] as number)))
      assert.ok(Math.max(...steps) <= 11, `charge steps: ${charges.join(' ')}`)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
