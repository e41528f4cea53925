import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ups } from '../../test/helpers/monitor-fakes.ts'
import { DeviceStore } from '../devices/device-store.ts'
import { isInProcess } from './start-monitor.ts'
import { StoreLink } from './store-link.ts'

describe('StoreLink', () => {
  it('reads the status as upsd serves it, and fails while stale or absent', async () => {
    const store = new DeviceStore()
    const link = new StoreLink({ store, device: 'ups1' })
    assert.equal((await link.read()).ok, false)
    const device = store.add('UPS1')
    device.setValue('ups.status', 'OB LB')
    assert.deepEqual(await link.read(), { ok: false, reason: 'data lost' })
    device.setCommState('ok')
    assert.deepEqual(await link.read(), { ok: true, status: 'OB LB' })
    await link.setFsd()
    assert.deepEqual(await link.read(), { ok: true, status: 'FSD OB LB' })
    device.setCommState('stale')
    assert.deepEqual(await link.read(), { ok: false, reason: 'data stale' })
  })

  it('calls its subscriber for status, comm and FSD changes of its device only', () => {
    const store = new DeviceStore()
    const device = store.add('ups1')
    const other = store.add('ups2')
    const link = new StoreLink({ store, device: 'ups1', logins: () => 2 })
    let calls = 0
    const stop = link.subscribe(() => calls++)
    device.setValue('ups.status', 'OL')
    device.setValue('battery.charge', '90')
    other.setValue('ups.status', 'OB')
    device.setCommState('ok')
    device.latchFsd()
    assert.equal(calls, 3)
    stop()
    device.setValue('ups.status', 'OB')
    assert.equal(calls, 3)
  })

  it('counts the logins the server reports', async () => {
    const link = new StoreLink({ store: new DeviceStore(), device: 'x', logins: () => 2 })
    assert.equal(await link.otherLogins(), 2)
  })
})

describe('isInProcess', () => {
  const store = new DeviceStore()
  store.add('ups1')
  it('takes local hosts naming a store device, on our ports when they are known', () => {
    assert.equal(isInProcess({ ...ups('ups1'), host: '127.0.0.1' }, store, undefined), true)
    assert.equal(isInProcess({ ...ups('ups1'), host: '10.0.0.5' }, store, undefined), false)
    assert.equal(isInProcess({ ...ups('nosuch') }, store, undefined), false)
    assert.equal(isInProcess({ ...ups('ups1'), port: 3493 }, store, [3493]), true)
    assert.equal(isInProcess({ ...ups('ups1'), port: 3494 }, store, [3493]), false)
    assert.equal(isInProcess(ups('ups1'), undefined, undefined), false)
  })
})
