import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sampleStore } from '../../../test/helpers/nut-server-fixture.ts'
import { commandHarness } from '../../../test/helpers/server-context.ts'

describe('INSTCMD', () => {
  it('runs a command with and without parameter, checks in upsd order', async () => {
    const { store, calls, dummy } = sampleStore()
    const harness = commandHarness(store)
    const s = harness.session()
    await s.run('USERNAME admin')
    await s.run('PASSWORD adminpass')
    assert.equal(await s.run('INSTCMD dummy LOAD.OFF'), 'OK')
    assert.equal(await s.run('INSTCMD dummy load.off 5'), 'OK')
    assert.equal(await s.run('INSTCMD dummy load.off 5 6'), 'OK')
    assert.deepEqual(calls, [
      { kind: 'instcmd', name: 'load.off', value: undefined },
      { kind: 'instcmd', name: 'load.off', value: '5' },
      { kind: 'instcmd', name: 'load.off', value: undefined },
    ])
    assert.equal(await s.run('INSTCMD'), 'ERR INVALID-ARGUMENT')
    assert.equal(await s.run('INSTCMD dummy'), 'ERR INVALID-ARGUMENT')
    assert.equal(await s.run('INSTCMD nosuch load.off'), 'ERR UNKNOWN-UPS')
    assert.equal(await s.run('INSTCMD dummy nope'), 'ERR CMD-NOT-SUPPORTED')
    await s.run('SET TRACKING ON')
    assert.match(await s.run('INSTCMD dummy load.off'), /^OK TRACKING [0-9A-F-]{36}$/)
    dummy.setCommState('lost')
    assert.equal(await s.run('INSTCMD dummy load.off'), 'ERR DRIVER-NOT-CONNECTED')
  })

  it('allows only the commands granted to the user', async () => {
    const harness = commandHarness(sampleStore().store)
    const s = harness.session()
    await s.run('USERNAME cmdonly')
    await s.run('PASSWORD cmdpass')
    assert.equal(await s.run('INSTCMD dummy Load.Off'), 'OK')
    assert.equal(await s.run('INSTCMD dummy test.battery.start'), 'ERR ACCESS-DENIED')
    // An unsupported command is reported before the permission check, as upsd does.
    assert.equal(await s.run('INSTCMD dummy nope'), 'ERR CMD-NOT-SUPPORTED')
    assert.deepEqual(harness.refusals, [])
    const bad = harness.session()
    await bad.run('USERNAME cmdonly')
    await bad.run('PASSWORD wrong')
    assert.equal(await bad.run('INSTCMD dummy load.off'), 'ERR ACCESS-DENIED')
    assert.equal(harness.refusals.length, 1)
  })
})
