import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sampleStore } from '../../../test/helpers/nut-server-fixture.ts'
import { commandHarness } from '../../../test/helpers/server-context.ts'

/** Every request that names a UPS, with `%` where the name goes. */
const namingRequests = [
  'GET UPSDESC %',
  'GET NUMLOGINS %',
  'GET VAR % ups.status',
  'GET TYPE % ups.status',
  'GET DESC % ups.status',
  'GET CMDDESC % load.off',
  'LIST VAR %',
  'LIST RW %',
  'LIST CMD %',
  'LIST CLIENT %',
  'LIST ENUM % ups.id',
  'LIST RANGE % ups.id',
  'SET VAR % ups.id x',
  'INSTCMD % load.off',
  'LOGIN %',
  'PRIMARY %',
  'MASTER %',
  'FSD %',
  'WATCH %',
]

describe('the UPS lookup shared by the server commands', () => {
  it('answers ERR UNKNOWN-UPS to every command naming a UPS that does not exist', async () => {
    const harness = commandHarness(sampleStore().store)
    for (const request of namingRequests) {
      // A fresh session each time: LOGIN succeeding once would change later answers.
      const s = harness.session()
      await s.run('USERNAME nopass')
      await s.run('PASSWORD x')
      assert.equal(await s.run(request.replace('%', 'nosuch')), 'ERR UNKNOWN-UPS', request)
      assert.notEqual(await s.run(request.replace('%', 'DUMMY')), 'ERR UNKNOWN-UPS', request)
    }
  })

  it('applies the availability check only where upsd does', async () => {
    const { store, dummy } = sampleStore()
    dummy.setCommState('lost')
    const harness = commandHarness(store)
    const unchecked = new Set(['GET UPSDESC %', 'LIST CLIENT %', 'LOGIN %', 'PRIMARY %'])
    unchecked.add('MASTER %').add('FSD %').add('WATCH %')
    for (const request of namingRequests) {
      const s = harness.session()
      await s.run('USERNAME nopass')
      await s.run('PASSWORD x')
      const answer = await s.run(request.replace('%', 'dummy'))
      if (unchecked.has(request)) assert.notEqual(answer, 'ERR DRIVER-NOT-CONNECTED', request)
      else assert.equal(answer, 'ERR DRIVER-NOT-CONNECTED', request)
    }
  })
})
