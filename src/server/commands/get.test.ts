import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sampleStore } from '../../../test/helpers/nut-server-fixture.ts'
import { commandHarness } from '../../../test/helpers/server-context.ts'

describe('GET', () => {
  it('serves values, echoing the client spelling of names', async () => {
    const s = commandHarness(sampleStore().store).session()
    assert.equal(await s.run('GET VAR dummy ups.status'), 'VAR dummy ups.status "OL CHRG"')
    assert.equal(await s.run('get var DUMMY UPS.STATUS'), 'VAR DUMMY UPS.STATUS "OL CHRG"')
    assert.equal(
      await s.run('GET VAR du\\mmy ups.id'),
      'VAR dummy ups.id "quoted  two-space value"',
    )
    assert.equal(
      await s.run('GET VAR dummy ups.description'),
      'VAR dummy ups.description "back\\\\slash and \\"quotes\\" and \\# hash"',
    )
    assert.equal(
      await s.run('GET VAR dummy ups.status extra words'),
      'VAR dummy ups.status "OL CHRG"',
    )
  })

  it('answers errors as upsd does', async () => {
    const s = commandHarness(sampleStore().store).session()
    assert.equal(await s.run('GET VAR nosuch ups.status'), 'ERR UNKNOWN-UPS')
    assert.equal(await s.run('GET VAR dum"my" ups.status'), 'ERR UNKNOWN-UPS')
    assert.equal(await s.run('GET VAR dummy nosuch'), 'ERR VAR-NOT-SUPPORTED')
    assert.equal(await s.run('GET VAR dummy=ups.status'), 'ERR VAR-NOT-SUPPORTED')
    for (const line of [
      'GET',
      'GET VAR',
      'GET VAR dummy',
      'GET UPSDESC',
      'GET NUMATTACH dummy',
      'GET FOO a b',
    ]) {
      assert.equal(await s.run(line), 'ERR INVALID-ARGUMENT', line)
    }
  })

  it('serves server.* variables for any UPS name', async () => {
    const s = commandHarness(sampleStore().store).session()
    assert.equal(await s.run('GET VAR nosuch server.version'), 'VAR nosuch server.version "2.8.0"')
    assert.match(
      await s.run('GET VAR x SERVER.INFO'),
      /^VAR x server\.info "Network UPS Tools upsd 2\.8\.0/,
    )
    assert.equal(await s.run('GET VAR dummy server.other'), 'ERR VAR-NOT-SUPPORTED')
  })

  it('gives TYPE words in upsd order', async () => {
    const s = commandHarness(sampleStore().store).session()
    assert.equal(await s.run('GET TYPE dummy ups.id'), 'TYPE dummy ups.id RW STRING:16')
    assert.equal(
      await s.run('GET TYPE dummy battery.charge'),
      'TYPE dummy battery.charge RW NUMBER',
    )
    assert.equal(
      await s.run('GET TYPE dummy input.transfer.low'),
      'TYPE dummy input.transfer.low RW ENUM NUMBER',
    )
    assert.equal(
      await s.run('GET TYPE dummy input.transfer.high'),
      'TYPE dummy input.transfer.high RW RANGE NUMBER',
    )
    assert.equal(await s.run('GET TYPE dummy driver.name'), 'TYPE dummy driver.name NUMBER')
    assert.equal(await s.run('GET TYPE dummy nosuch'), 'ERR VAR-NOT-SUPPORTED')
  })

  it('describes variables and commands, known or not', async () => {
    const s = commandHarness(sampleStore().store).session()
    assert.match(await s.run('GET DESC dummy ups.status'), /^DESC dummy ups.status "[^"]+"$/)
    assert.equal(
      await s.run('GET DESC dummy custom.eq'),
      'DESC dummy custom.eq "Description unavailable"',
    )
    assert.match(await s.run('GET CMDDESC dummy LOAD.OFF'), /^CMDDESC dummy LOAD.OFF "[^"]+"$/)
    assert.equal(
      await s.run('GET CMDDESC dummy x.y'),
      'CMDDESC dummy x.y "Description unavailable"',
    )
    assert.equal(await s.run('GET DESC nosuch ups.status'), 'ERR UNKNOWN-UPS')
  })

  it('gives UPSDESC, with "Unavailable" when there is none', async () => {
    const s = commandHarness(sampleStore().store).session()
    assert.equal(
      await s.run('GET UPSDESC dummy'),
      'UPSDESC dummy "Test \\"quoted\\" UPS \\# not a comment"',
    )
    assert.equal(await s.run('GET UPSDESC other'), 'UPSDESC other "Unavailable"')
    assert.equal(await s.run('GET UPSDESC nosuch'), 'ERR UNKNOWN-UPS')
  })

  it('applies the availability check where upsd does', async () => {
    const { store, dummy } = sampleStore()
    const s = commandHarness(store).session()
    dummy.setCommState('stale')
    for (const line of [
      'GET VAR dummy ups.status',
      'GET TYPE dummy ups.id',
      'GET DESC dummy x',
      'GET CMDDESC dummy x',
      'GET NUMLOGINS dummy',
    ]) {
      assert.equal(await s.run(line), 'ERR DATA-STALE', line)
    }
    dummy.setCommState('lost')
    assert.equal(await s.run('GET VAR dummy ups.status'), 'ERR DRIVER-NOT-CONNECTED')
    assert.match(await s.run('GET UPSDESC dummy'), /^UPSDESC dummy /)
    assert.match(await s.run('GET VAR dummy server.version'), /^VAR dummy server.version/)
  })

  it('reports tracking state and results', async () => {
    const s = commandHarness(sampleStore().store).session()
    assert.equal(await s.run('GET TRACKING'), 'OFF')
    assert.equal(await s.run('GET TRACKING 1234'), 'ERR FEATURE-NOT-CONFIGURED')
    await s.run('USERNAME admin')
    await s.run('PASSWORD adminpass')
    assert.equal(await s.run('SET TRACKING on'), 'OK')
    assert.equal(await s.run('GET TRACKING'), 'ON')
    assert.equal(await s.run('GET TRACKING 1234'), 'ERR UNKNOWN')
    const reply = await s.run('SET VAR dummy ups.id tracked')
    const id = /^OK TRACKING ([0-9A-F-]{36})$/.exec(reply)?.[1]
    assert.ok(id, reply)
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(await s.run(`GET TRACKING ${id.toLowerCase()}`), 'SUCCESS')
  })
})
