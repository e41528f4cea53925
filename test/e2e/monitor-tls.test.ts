import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../../src/core/clock.ts'
import { silentLogger } from '../../src/core/log.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { RemoteLink } from '../../src/monitor/remote-link.ts'
import { linkTls, readCertPath } from '../../src/monitor/tls-settings.ts'
import { createNutServer, type NutServer } from '../../src/server/nut-server.ts'
import { ups } from '../helpers/monitor-fakes.ts'
import { testServerConfig } from '../helpers/nut-server-fixture.ts'
import { freePort } from '../helpers/ports.ts'
import { makeTestCertificate, type TestCertificate } from '../helpers/tls-cert.ts'

// upsmon.conf's CERTVERIFY / CERTHOST / FORCESSL / CERTPATH against a nutshell server
// with a certificate for "localhost".

describe('monitor TLS settings', () => {
  let dir: string
  let server: NutServer
  let port: number
  let serverCert: TestCertificate
  let otherCert: TestCertificate
  const store = new DeviceStore()
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ns-mtls-'))
    serverCert = makeTestCertificate(dir, 'server')
    otherCert = makeTestCertificate(dir, 'other')
    const device = store.add('ups1')
    device.setValue('ups.status', 'OL')
    device.setCommState('ok')
    port = await freePort()
    server = createNutServer({
      store,
      server: testServerConfig({
        listen: [{ host: '127.0.0.1', port }],
        tls: { certFile: serverCert.certFile, keyFile: serverCert.keyFile },
      }),
      users: [
        { name: 'mon', password: 'pw', actions: ['LOGIN'], instcmds: [], upsmon: 'secondary' },
      ],
      log: silentLogger(),
    })
    await server.start()
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const monitor = () => ({ ...ups('ups1', 'secondary'), host: '127.0.0.1', port, user: 'mon' })

  async function read(tls: ReturnType<typeof linkTls>) {
    const link = new RemoteLink({
      monitor: monitor(),
      clock: systemClock,
      log: silentLogger(),
      tls,
    })
    try {
      return await link.read()
    } finally {
      await link.close()
    }
  }

  it('maps the settings as upsmon means them', () => {
    assert.deepEqual(linkTls({ host: 'h' }, undefined, undefined), {
      mode: 'try',
      options: { rejectUnauthorized: false },
    })
    const tls = {
      certVerify: false,
      certHosts: [{ host: 'H', certName: 'ups-server', verify: true, force: true }],
    }
    assert.deepEqual(linkTls({ host: 'h' }, tls, ['PEM']), {
      mode: 'require',
      options: { rejectUnauthorized: true, servername: 'ups-server', ca: ['PEM'] },
    })
    assert.equal(linkTls({ host: 'x' }, { forceSsl: true }, undefined).mode, 'require')
  })

  it('verifies the server against CERTPATH and the CERTHOST name', async () => {
    const ca = await readCertPath(serverCert.certFile)
    const good = linkTls(
      monitor(),
      { certHosts: [{ host: '127.0.0.1', certName: 'localhost', verify: true, force: true }] },
      ca,
    )
    assert.deepEqual(await read(good), { ok: true, status: 'OL' })
  })

  it('refuses a server whose certificate the CA does not sign', async () => {
    const wrong = await readCertPath(otherCert.certFile)
    const tls = linkTls(
      monitor(),
      {
        certVerify: true,
        forceSsl: true,
        certHosts: [{ host: '127.0.0.1', certName: 'localhost', verify: true, force: true }],
      },
      wrong,
    )
    const result = await read(tls)
    assert.equal(result.ok, false)
  })
})
