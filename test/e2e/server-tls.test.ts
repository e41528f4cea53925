import assert from 'node:assert/strict'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect as netConnect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { connect as tlsConnect } from 'node:tls'
import { defaultServerLimits } from '../../src/config/types.ts'
import { isNutshellError } from '../../src/core/errors.ts'
import { createNutServer } from '../../src/server/nut-server.ts'
import {
  LineClient,
  sampleStore,
  sampleUsers,
  startTestServer,
  testServerConfig,
} from '../helpers/nut-server-fixture.ts'
import { makeTestCertificate, type TestCertificate } from '../helpers/tls-cert.ts'

let dir: string
let cert: TestCertificate

/** Connects, sends `first` raw, and returns the socket with the first reply line. */
async function rawRequest(port: number, first: string): Promise<{ socket: Socket; line: string }> {
  const socket = netConnect({ port, host: '127.0.0.1' })
  await once(socket, 'connect')
  socket.write(first)
  let text = ''
  while (!text.includes('\n')) {
    const [chunk] = (await once(socket, 'data')) as [Buffer]
    text += chunk.toString('latin1')
  }
  socket.pause()
  socket.removeAllListeners('data')
  return { socket, line: text.slice(0, text.indexOf('\n')) }
}

async function upgrade(socket: Socket): Promise<LineClient> {
  const secure = tlsConnect({ socket, rejectUnauthorized: false, servername: 'localhost' })
  await once(secure, 'secureConnect')
  return LineClient.fromSocket(secure)
}

describe('STARTTLS', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ns-tls-'))
    // bothFile is NUT's CERTFILE style: certificate and key in one file.
    cert = makeTestCertificate(dir)
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('upgrades with a combined PEM file and serves requests over TLS', async () => {
    const running = await startTestServer({
      store: sampleStore().store,
      server: testServerConfig({ tls: { certFile: cert.bothFile } }),
    })
    const { socket, line } = await rawRequest(running.port, 'STARTTLS\n')
    assert.equal(line, 'OK STARTTLS')
    const client = await upgrade(socket)
    assert.equal(await client.request('GET VAR dummy ups.status'), 'VAR dummy ups.status "OL CHRG"')
    assert.equal(await client.request('STARTTLS'), 'ERR ALREADY-SSL-MODE')
    assert.match(await client.request('LIST VAR dummy'), /END LIST VAR dummy$/)
    client.close()
    await running.stop()
  })

  it('discards bytes sent after STARTTLS and before the handshake', async () => {
    const running = await startTestServer({
      store: sampleStore().store,
      server: testServerConfig({
        tls: { certFile: cert.certFile, keyFile: cert.keyFile },
      }),
    })
    const { socket, line } = await rawRequest(
      running.port,
      'STARTTLS\nUSERNAME admin\nPASSWORD adminpass\nFSD dummy\n',
    )
    assert.equal(line, 'OK STARTTLS')
    const client = await upgrade(socket)
    assert.equal(await client.request('NETVER'), '1.3')
    assert.equal(await client.request('GET VAR dummy ups.status'), 'VAR dummy ups.status "OL CHRG"')
    assert.equal(await client.request('FSD dummy'), 'ERR USERNAME-REQUIRED')
    client.close()

    // Plain text sent after the OK goes to the TLS layer, fails the handshake, never runs.
    const late = await rawRequest(running.port, 'STARTTLS\n')
    late.socket.resume()
    late.socket.write('USERNAME admin\nPASSWORD adminpass\nFSD dummy\n')
    await once(late.socket, 'close')
    const check = await LineClient.connect(running.port)
    assert.equal(await check.request('GET VAR dummy ups.status'), 'VAR dummy ups.status "OL CHRG"')
    check.close()
    await running.stop()
  })

  it('closes a connection that never does its handshake', async () => {
    const running = await startTestServer({
      store: sampleStore().store,
      server: testServerConfig({
        tls: { certFile: cert.bothFile },
        limits: { ...defaultServerLimits, handshakeTimeoutMs: 200 },
      }),
    })
    const { socket, line } = await rawRequest(running.port, 'STARTTLS\n')
    assert.equal(line, 'OK STARTTLS')
    socket.resume()
    await once(socket, 'close')
    await running.stop()
  })

  it('refuses to start with a certificate it cannot load', async () => {
    const server = createNutServer({
      store: sampleStore().store,
      users: sampleUsers,
      server: testServerConfig({ tls: { certFile: join(dir, 'missing.pem') } }),
    })
    await assert.rejects(
      server.start(),
      (error) => isNutshellError(error) && error.code === 'NS_TLS_CONFIG',
    )
  })
})
