import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sampleStore } from '../../../test/helpers/nut-server-fixture.ts'
import { commandHarness } from '../../../test/helpers/server-context.ts'

describe('VER, NETVER, PROTVER, HELP, LOGOUT', () => {
  it('answers as upsd 2.8.0, with nutshell in the VER text', async () => {
    const s = commandHarness(sampleStore().store).session()
    assert.match(await s.run('VER'), /^Network UPS Tools upsd 2\.8\.0 - nutshell/)
    assert.equal(await s.run('NETVER'), '1.3')
    assert.equal(await s.run('protver'), '1.3')
    assert.equal(
      await s.run('HELP'),
      'Commands: HELP VER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD STARTTLS',
    )
  })

  it('refuses arguments where upsd takes none', async () => {
    const s = commandHarness(sampleStore().store).session()
    for (const line of ['VER x', 'NETVER 1', 'HELP me', 'LOGOUT now']) {
      assert.equal(await s.run(line), 'ERR INVALID-ARGUMENT', line)
    }
    assert.equal(s.lastAfter, undefined)
  })

  it('says goodbye and closes on LOGOUT', async () => {
    const s = commandHarness(sampleStore().store).session()
    assert.equal(await s.run('logout'), 'OK Goodbye')
    assert.equal(s.lastAfter, 'close')
  })

  it('answers unknown and empty requests with UNKNOWN-COMMAND', async () => {
    const s = commandHarness(sampleStore().store).session()
    for (const line of ['', '   ', '# only a comment', 'ATTACH dummy', 'PING', 'GETVAR']) {
      assert.equal(await s.run(line), 'ERR UNKNOWN-COMMAND', JSON.stringify(line))
    }
  })

  it('refuses bytes NUT would silently drop (docs/compatibility.md)', async () => {
    const s = commandHarness(sampleStore().store).session()
    assert.equal(await s.run('GET\u0000 VAR dummy ups.status'), 'ERR INVALID-ARGUMENT')
    assert.equal(await s.run('GET VAR dummy "ups#status"'), 'ERR INVALID-ARGUMENT')
    assert.equal(await s.run('GET VAR dummy "ups.status'), 'ERR INVALID-ARGUMENT')
  })

  it('answers STARTTLS as upsd without a certificate, and upgrades with one', async () => {
    const plain = commandHarness(sampleStore().store).session()
    assert.equal(await plain.run('STARTTLS'), 'ERR FEATURE-NOT-CONFIGURED')
    const tls = commandHarness(sampleStore().store, { tlsAvailable: true }).session()
    assert.equal(await tls.run('STARTTLS'), 'OK STARTTLS')
    assert.equal(tls.lastAfter, 'starttls')
    tls.state.tls = true
    assert.equal(await tls.run('STARTTLS'), 'ERR ALREADY-SSL-MODE')
  })
})
