import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sampleStore } from '../../../test/helpers/nut-server-fixture.ts'
import { commandHarness } from '../../../test/helpers/server-context.ts'

async function as(harness: ReturnType<typeof commandHarness>, user: string, password: string) {
  const s = harness.session()
  assert.equal(await s.run(`USERNAME ${user}`), 'OK')
  assert.equal(await s.run(`PASSWORD ${password}`), 'OK')
  return s
}

describe('USERNAME, PASSWORD, LOGIN, PRIMARY/MASTER, FSD', () => {
  it('remembers USERNAME and PASSWORD once each, in any order', async () => {
    const s = commandHarness(sampleStore().store).session()
    assert.equal(await s.run('PASSWORD x'), 'OK')
    assert.equal(await s.run('PASSWORD y'), 'ERR ALREADY-SET-PASSWORD')
    assert.equal(await s.run('USERNAME'), 'ERR INVALID-ARGUMENT')
    assert.equal(await s.run('USERNAME a b'), 'ERR INVALID-ARGUMENT')
    assert.equal(await s.run('USERNAME nobody'), 'OK')
    assert.equal(await s.run('USERNAME again'), 'ERR ALREADY-SET-USERNAME')
  })

  it('asks for credentials before commands that need them', async () => {
    const s = commandHarness(sampleStore().store).session()
    for (const line of [
      'LOGIN dummy',
      'PRIMARY dummy',
      'MASTER dummy',
      'FSD dummy',
      'SET x',
      'INSTCMD',
    ]) {
      assert.equal(await s.run(line), 'ERR USERNAME-REQUIRED', line)
    }
    await s.run('USERNAME admin')
    assert.equal(await s.run('LOGIN dummy'), 'ERR PASSWORD-REQUIRED')
  })

  it('logs in a secondary, counts it, and refuses a second LOGIN', async () => {
    const harness = commandHarness(sampleStore().store)
    const s = await as(harness, 'mons', 'secpass')
    assert.equal(await s.run('LOGIN nosuch'), 'ERR UNKNOWN-UPS')
    assert.equal(await s.run('LOGIN DUMMY'), 'OK')
    assert.equal(await s.run('LOGIN dummy'), 'ERR ALREADY-LOGGED-IN')
    assert.equal(await s.run('GET NUMLOGINS Dummy'), 'NUMLOGINS Dummy 1')
    assert.equal(
      await s.run('LIST CLIENT dUmmy'),
      'BEGIN LIST CLIENT dUmmy\nCLIENT dummy 127.0.0.1\nEND LIST CLIENT dUmmy',
    )
    assert.equal(await s.run('PRIMARY dummy'), 'ERR ACCESS-DENIED')
    s.close()
    assert.equal(await harness.session().run('GET NUMLOGINS dummy'), 'NUMLOGINS dummy 0')
  })

  it('grants PRIMARY and MASTER to upsmon primary, FSD latches the status', async () => {
    const harness = commandHarness(sampleStore().store)
    const s = await as(harness, 'monp', 'p@ssw0rd')
    assert.equal(await s.run('PRIMARY dummy'), 'OK PRIMARY-GRANTED')
    assert.equal(await s.run('master dummy'), 'OK MASTER-GRANTED')
    assert.equal(await s.run('MASTER nosuch'), 'ERR UNKNOWN-UPS')
    assert.equal(await s.run('GET VAR dummy ups.status'), 'VAR dummy ups.status "OL CHRG"')
    assert.equal(await s.run('FSD dummy'), 'OK FSD-SET')
    assert.equal(await s.run('GET VAR dummy ups.status'), 'VAR dummy ups.status "FSD OL CHRG"')
    assert.match(await s.run('LIST VAR dummy'), /VAR dummy ups.status "FSD OL CHRG"/)
    assert.match(await s.run('LIST RW dummy'), /RW dummy ups.status "OL CHRG"/)
  })

  it('denies wrong passwords, unknown users and users without a password alike', async () => {
    const harness = commandHarness(sampleStore().store)
    for (const [user, password] of [
      ['admin', 'wrong'],
      ['ghost', 'adminpass'],
      ['nopass', 'anything'],
    ] as const) {
      const s = await as(harness, user, password)
      assert.equal(await s.run('FSD dummy'), 'ERR ACCESS-DENIED', user)
      assert.equal(await s.run('LOGIN dummy'), 'ERR ACCESS-DENIED', user)
    }
    assert.equal(harness.refusals.length, 6)
    // Missing permission with the right password is not a credentials failure.
    const viewer = await as(harness, 'viewer', 'viewpass')
    assert.equal(await viewer.run('FSD dummy'), 'ERR ACCESS-DENIED')
    assert.equal(await viewer.run('LOGIN dummy'), 'ERR ACCESS-DENIED')
    assert.equal(harness.refusals.length, 6)
  })

  it('checks argument counts before anything else', async () => {
    const s = await as(commandHarness(sampleStore().store), 'admin', 'adminpass')
    for (const line of ['LOGIN', 'LOGIN a b', 'PRIMARY', 'MASTER a b', 'FSD', 'FSD a b']) {
      assert.equal(await s.run(line), 'ERR INVALID-ARGUMENT', line)
    }
  })

  it('lets LOGIN, FSD and PRIMARY through while the driver is down', async () => {
    const { store, dummy } = sampleStore()
    dummy.setCommState('lost')
    const s = await as(commandHarness(store), 'monp', 'p@ssw0rd')
    assert.equal(await s.run('LOGIN dummy'), 'OK')
    assert.equal(await s.run('PRIMARY dummy'), 'OK PRIMARY-GRANTED')
    assert.equal(await s.run('FSD dummy'), 'OK FSD-SET')
    assert.equal(await s.run('GET NUMLOGINS dummy'), 'ERR DRIVER-NOT-CONNECTED')
  })
})
