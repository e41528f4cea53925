import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../../src/core/clock.ts'
import { silentLogger } from '../../src/core/log.ts'
import type { Device } from '../../src/devices/device.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { NutDriver } from '../../src/drivers/nut/nut-driver.ts'
import { createNutDir, type NutDir } from '../helpers/nut-peer.ts'
import { waitFor } from '../helpers/wait.ts'

// Debian's real dummy-ups 2.8.0 broadcasts a changed value without escaping it:
// after SET custom.value "a \"b\" c" it sends `SETINFO custom.value "a "b" c"` (upsd then
// serves "a "), `#` and a trailing `\` arrive raw too; its DUMPALL escapes properly.
// nutshell's link must keep every other variable and stay fresh (docs/compatibility.md).
describe('NUT driver link: values a real 2.8.0 driver sends unescaped', () => {
  let dir: NutDir
  let driver: NutDriver
  let device: Device
  const store = new DeviceStore()
  const states: string[] = []

  before(async () => {
    dir = await createNutDir({
      'ups.conf': '[dummy]\n  driver = dummy-ups\n  port = dummy.dev\n',
      'dummy.dev': 'ups.mfr: Acme\nups.id: start\ncustom.value: x\nups.status: OL\n',
    })
    device = store.add('dummy')
    driver = new NutDriver(
      { name: 'dummy', driver: 'dummy-ups', port: 'dummy.dev', options: {}, flags: [] },
      device,
      {
        clock: systemClock,
        log: silentLogger(),
        configDir: dir.etc,
        statePath: dir.run,
        maxAgeMs: 15_000,
        nutDrivers: { user: 'root' },
      },
    )
    await driver.start()
    await waitFor(() => device.commState === 'ok' && device.getValue('custom.value') === 'x', {
      what: 'the driver attached',
    })
    store.onChange((change) => {
      if (change.kind === 'comm') states.push(change.state)
    })
  })

  after(async () => {
    await driver?.stop()
    await dir?.cleanup()
  })

  it('a backslash the broadcast did not escape is lost, as upsd loses it', async () => {
    // `SETINFO ups.mfr "back\slash"` reads as "backslash": nothing tells it apart.
    assert.equal(await device.requestSet('ups.mfr', 'back\\slash'), 'SUCCESS')
    await waitFor(() => device.getValue('ups.mfr') !== 'Acme', { what: 'the broadcast' })
    assert.equal(device.getValue('ups.mfr'), 'backslash')
  })

  it('quotes, # and a trailing backslash: the true value comes from a fresh dump, nothing else changes', async () => {
    const before = new Map(device.listVariables().map((v) => [v.name, v.value]))
    for (const [name, value] of [
      ['custom.value', 'a "b" c'],
      ['ups.id', 'new # id'],
      ['custom.value', 'trail\\'],
    ] as const) {
      assert.equal(await device.requestSet(name, value), 'SUCCESS')
      await waitFor(() => device.getValue(name) === value, { what: `${name} = ${value}` })
    }
    // The dumps also brought the escaped ups.mfr the first broadcast had mangled.
    assert.equal(device.getValue('ups.mfr'), 'back\\slash')
    for (const variable of device.listVariables()) {
      if (['custom.value', 'ups.id', 'ups.mfr'].includes(variable.name)) continue
      assert.equal(variable.value, before.get(variable.name), variable.name)
    }
    assert.equal(device.getValue('ups.status'), 'OL')
    assert.deepEqual(states, [], 'the data never went stale')
    assert.equal(device.commState, 'ok')
  })
})
