/** Debian's real upsc, which tries STARTTLS first, against nutshell with a certificate. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { nutBinaries } from '../helpers/nut-peer.ts'
import { type RunningServer, startTlsTestServer } from '../helpers/nut-server-fixture.ts'
import { run } from '../helpers/processes.ts'

describe('real upsc over STARTTLS', () => {
  let running: RunningServer

  before(async () => {
    running = await startTlsTestServer()
  })
  after(async () => {
    await running.stop()
  })

  it('completes the handshake and reads over TLS', async () => {
    const env = { ...process.env, NUT_CONFPATH: '/nonexistent' }
    const one = await run(nutBinaries.upsc, [`dummy@127.0.0.1:${running.port}`, 'ups.status'], {
      env,
    })
    assert.equal(one.code, 0, one.stderr)
    assert.equal(one.stdout, 'OL CHRG\n')
    assert.match(one.stderr, /SSL handshake done successfully/)
    const list = await run(nutBinaries.upsc, ['-l', `127.0.0.1:${running.port}`], { env })
    assert.equal(list.stdout, 'dummy\nother\n')
    assert.match(list.stderr, /Connected to NUT server 127\.0\.0\.1 in SSL/)
  })
})
