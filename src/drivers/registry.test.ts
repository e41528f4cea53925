import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { DeviceConfig } from '../config/types.ts'
import { silentLogger } from '../core/log.ts'
import { ManualClock } from '../core/manual-clock.ts'
import { DeviceStore } from '../devices/device-store.ts'
import { DummyDriver } from './dummy/dummy-driver.ts'
import { LazyDriver } from './lazy-driver.ts'
import { NutDriver } from './nut/factory.ts'
import { createDriver } from './registry.ts'
import { ScriptDriver } from './script/script-driver.ts'
import { RepeaterDriver } from './upstream/repeater-driver.ts'

const context = {
  clock: new ManualClock(),
  log: silentLogger(),
  configDir: '/etc/nut',
  statePath: '/run/nut',
}
const config = (port: string, extra: Partial<DeviceConfig> = {}): DeviceConfig => ({
  name: 'u',
  driver: 'dummy-ups',
  port,
  options: {},
  flags: [],
  ...extra,
})

describe('createDriver', () => {
  it('runs dummy-ups built in: a data file, or a repeater for ups@host[:port]', async () => {
    const store = new DeviceStore()
    const dummy = createDriver(config('sim.dev'), store.add('a'), context)
    assert.ok(dummy instanceof DummyDriver)
    assert.equal(dummy.path, '/etc/nut/sim.dev')
    assert.ok(createDriver(config('/abs/x.seq'), store.add('b'), context) instanceof DummyDriver)
    const lazy = createDriver(config('ups@192.0.2.1:3494'), store.add('c'), context)
    assert.ok(lazy instanceof LazyDriver, 'the repeater is loaded only when used')
    const repeater = await lazy.resolve()
    assert.ok(repeater instanceof RepeaterDriver)
    assert.deepEqual(repeater.address, { ups: 'ups', host: '192.0.2.1', port: 3494 })
  })

  it('runs powerman device scripts with the script driver, loaded when first used', async () => {
    const lazy = createDriver(
      config('/usr/sbin/vpcd |&', { driver: 'script', options: { script: 'vpc.dev' } }),
      new DeviceStore().add('p'),
      context,
    )
    assert.ok(lazy instanceof LazyDriver)
    assert.ok((await lazy.resolve()) instanceof ScriptDriver)
  })

  it('runs every other driver name as a NUT C driver', async () => {
    const lazy = createDriver(
      config('/dev/ttyS0', { driver: 'blazer_ser' }),
      new DeviceStore().add('d'),
      context,
    )
    assert.ok(lazy instanceof LazyDriver)
    assert.ok((await lazy.resolve()) instanceof NutDriver)
  })
})
