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

  it('replays every phase of a power cut, in a loop of about 77 s', async () => {
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
      for (let t = 0; t < 160_000; t += 500) {
        clock.advance(500)
        await driver.idle()
      }
      await driver.stop()
      assert.deepEqual(statuses, [
        '0s OL',
        '12s OB DISCHRG',
        '42s OB DISCHRG LB',
        '51s OL CHRG',
        '77s OL',
        '89s OB DISCHRG',
        '119s OB DISCHRG LB',
        '128s OL CHRG',
        '154s OL',
      ])
      assert.ok(charges.includes(100) && charges.includes(11) && charges.includes(94))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
