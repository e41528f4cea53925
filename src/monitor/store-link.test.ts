import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { DeviceStore } from '../devices/device-store.ts'
import { readPidFile, writePidFile } from './control.ts'
import {
  clearPowerDownFlag,
  powerDownFlagSet,
  powerDownMagic,
  writePowerDownFlagFile,
} from './shutdown-port.ts'
import { isInProcess } from './start-monitor.ts'
import { StoreLink } from './store-link.ts'
import { ups } from './test-support.ts'

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

describe('power-down flag and PID file', () => {
  it('writes the magic fresh, replacing a planted symlink, and clears only the magic', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-flag-'))
    try {
      const flag = join(dir, 'killpower')
      const victim = join(dir, 'victim')
      await writeFile(victim, 'precious')
      await symlink(victim, flag)
      await writePowerDownFlagFile(flag)
      assert.equal(await readFile(victim, 'utf8'), 'precious')
      assert.equal(await readFile(flag, 'utf8'), powerDownMagic)
      assert.equal(await powerDownFlagSet(flag), true)
      assert.equal(await clearPowerDownFlag(flag), true)
      assert.equal(await powerDownFlagSet(flag), false)
      await writeFile(flag, 'something else')
      assert.equal(await clearPowerDownFlag(flag), false, 'not ours: left alone')
      const pid = join(dir, 'm.pid')
      await writePidFile(pid, 4242)
      assert.equal(await readPidFile(pid), 4242)
      await writeFile(pid, 'junk')
      await assert.rejects(readPidFile(pid), /does not hold a process id/)
      await assert.rejects(readPidFile(join(dir, 'none')), /is the monitor running/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
