import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { memoryLogger } from '../../../test/helpers/memory-log.ts'
import { type PrivateBus, startPrivateBus } from '../../../test/helpers/private-bus.ts'
import { waitFor } from '../../../test/helpers/wait.ts'
import { systemClock } from '../../core/clock.ts'
import { openBus } from '../../dbus/bus.ts'
import { listInhibitors } from '../../dbus/login1.ts'
import { LogindPowerRoad } from './logind.ts'

const manager = ['org.freedesktop.login1', '/org/freedesktop/login1']
const mockIface = 'org.freedesktop.DBus.Mock'

describe('logind power road (private bus, python-dbusmock logind template)', () => {
  let bus: PrivateBus

  before(async () => {
    bus = await startPrivateBus()
    await bus.startMock('logind')
    await bus.startMock('polkitd')
  })
  after(async () => {
    await bus.stop()
  })

  const inhibitors = async () => {
    const connection = await openBus({ address: bus.address, clock: systemClock })
    try {
      const list = await listInhibitors(connection)
      assert.ok(list.ok)
      return list.inhibitors
    } finally {
      connection.close()
    }
  }
  // The calls the road made since `mark` (the test's own ListInhibitors left out).
  const callsSince = async (mark: number) =>
    (await bus.calls('logind')).slice(mark).filter((call) => call !== 'ListInhibitors')
  const inhibitCall =
    'Inhibit "shutdown:sleep" "nutshell" "finishing the power-cut sequence" "delay"'
  const road = (log = memoryLogger()) => ({
    log,
    road: new LogindPowerRoad({ log: log.log, clock: systemClock, busAddress: bus.address }),
  })

  it('holds a delay lock, checks CanPowerOff, calls PowerOff(false), then lets the lock go', async () => {
    assert.deepEqual(await inhibitors(), [])
    const { road: r } = road()
    const start = (await bus.calls('logind')).length
    assert.equal(await r.start(), true)
    assert.deepEqual(await callsSince(start), [inhibitCall])
    const held = await inhibitors()
    assert.equal(held.length, 1)
    assert.deepEqual(
      { what: held[0]?.what, who: held[0]?.who, mode: held[0]?.mode },
      { what: 'shutdown:sleep', who: 'nutshell', mode: 'delay' },
    )
    const mark = (await bus.calls('logind')).length
    await r.shutdown()
    assert.deepEqual(await callsSince(mark), ['CanPowerOff', 'PowerOff False'])
    assert.deepEqual(await inhibitors(), [], 'released once logind accepted the call')
    await r.stop()
  })

  it('hibernates with Hibernate(false), resolves on PrepareForSleep(false) and takes the lock again', async () => {
    const { road: r } = road()
    await r.start()
    const mark = (await bus.calls('logind')).length
    const done = r.hibernate()
    await waitFor(async () => (await callsSince(mark)).includes('Hibernate False'), {
      what: 'the Hibernate call',
    })
    await waitFor(async () => (await inhibitors()).length === 0, { what: 'the lock released' })
    await bus.busctl([
      'call',
      ...manager,
      mockIface,
      'EmitSignal',
      'sssav',
      'org.freedesktop.login1.Manager',
      'PrepareForSleep',
      'b',
      '1',
      'b',
      'false',
    ])
    assert.equal(await done, true)
    assert.deepEqual(await callsSince(mark), [
      'CanHibernate',
      'Hibernate False',
      'emit /org/freedesktop/login1 org.freedesktop.login1.Manager.PrepareForSleep False',
      inhibitCall,
    ])
    assert.equal((await inhibitors()).length, 1, 'the lock is back after resume')
    await r.stop()
    assert.deepEqual(await inhibitors(), [])
  })

  it('reports a polkit refusal in one line naming the rule to install, and keeps the lock', async () => {
    await bus.busctl([
      'call',
      ...manager,
      mockIface,
      'AddMethod',
      'sssss',
      'org.freedesktop.login1.Manager',
      'PowerOff',
      'b',
      '',
      "raise dbus.exceptions.DBusException('Interactive authentication required.', name='org.freedesktop.DBus.Error.InteractiveAuthorizationRequired')",
    ])
    const { road: r, log } = road()
    await r.start()
    await r.shutdown()
    const errors = log.records.filter((record) => record.level >= 50)
    assert.equal(errors.length, 1, log.text())
    assert.match(
      errors[0]?.msg ?? '',
      /polkit refused PowerOff \(org\.freedesktop\.login1\.power-off\)/,
    )
    assert.match(errors[0]?.msg ?? '', /polkit rule .*docs\/privilege\.md/)
    assert.equal(r.inhibited, true, 'a refused shutdown keeps the lock')
    await r.stop()
  })

  it('lets polkit decide: PowerOff asks CheckAuthorization, refused then allowed', async () => {
    // PowerOff made to do what logind does: ask polkit, non-interactively (flags 0).
    const askPolkit = [
      'import dbus',
      "authority = dbus.Interface(dbus.SystemBus().get_object('org.freedesktop.PolicyKit1', '/org/freedesktop/PolicyKit1/Authority'), 'org.freedesktop.PolicyKit1.Authority')",
      "subject = ('unix-process', {'pid': dbus.UInt32(1, variant_level=1), 'start-time': dbus.UInt64(0, variant_level=1)})",
      "result = authority.CheckAuthorization(subject, 'org.freedesktop.login1.power-off', dbus.Dictionary({}, signature='ss'), dbus.UInt32(0), '')",
      'if not result[0]:',
      "    raise dbus.exceptions.DBusException('Access denied', name='org.freedesktop.DBus.Error.AccessDenied')",
    ].join('\n')
    await bus.busctl([
      'call',
      ...manager,
      mockIface,
      'AddMethod',
      'sssss',
      'org.freedesktop.login1.Manager',
      'PowerOff',
      'b',
      '',
      askPolkit,
    ])
    const polkit = ['org.freedesktop.PolicyKit1', '/org/freedesktop/PolicyKit1/Authority']
    const refused = road()
    await refused.road.start()
    await refused.road.shutdown()
    assert.match(
      refused.log.text(),
      /polkit refused PowerOff \(org\.freedesktop\.login1\.power-off\)/,
    )
    assert.equal(refused.road.inhibited, true)
    await refused.road.stop()
    assert.ok(
      (await bus.calls('polkitd')).some(
        (call) =>
          call.startsWith('CheckAuthorization') &&
          call.includes('"org.freedesktop.login1.power-off"'),
      ),
      (await bus.calls('polkitd')).join('\n'),
    )

    await bus.busctl([
      'call',
      ...polkit,
      mockIface,
      'SetAllowed',
      'as',
      '1',
      'org.freedesktop.login1.power-off',
    ])
    const allowed = road()
    await allowed.road.start()
    await allowed.road.shutdown()
    assert.equal(allowed.log.records.filter((r) => r.level >= 50).length, 0, allowed.log.text())
    assert.equal(allowed.road.inhibited, false, 'accepted: the lock is let go')
    assert.deepEqual(await inhibitors(), [])
  })

  it('does not call an operation logind says is not available (Can*: na)', async () => {
    await bus.busctl([
      'call',
      ...manager,
      mockIface,
      'AddMethod',
      'sssss',
      'org.freedesktop.login1.Manager',
      'CanSuspend',
      '',
      's',
      "ret = 'na'",
    ])
    const { road: r, log } = road()
    const mark = (await bus.calls('logind')).length
    assert.equal(await r.suspend(), false)
    assert.deepEqual(await callsSince(mark), ['CanSuspend'])
    assert.match(log.text(), /suspend is not available on this machine \(CanSuspend: na\)/)
  })

  it('says so when logind is not on the bus at all', async () => {
    const log = memoryLogger()
    const r = new LogindPowerRoad({
      log: log.log,
      clock: systemClock,
      busAddress: `unix:path=${bus.dir}/no-such.sock`,
      inhibit: false,
    })
    await r.shutdown()
    assert.match(log.text(), /cannot ask logind CanPowerOff: is systemd-logind running\?/)
  })
})
