import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { TLSSocket } from 'node:tls'
import { makeTestCertificate } from '../../test/helpers/tls-cert.ts'
import { NutClientError } from './errors.ts'
import { NutClient } from './nut-client.ts'

/** A self-signed certificate for "localhost", made with openssl for this run only. */
function makeCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ns-tls-'))
  try {
    const { key, cert } = makeTestCertificate(dir)
    return { key, cert }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const pem = makeCertificate()
let server: Server
let port = 0
const seen: string[] = []

/** Answers STARTTLS with OK STARTTLS and then speaks NUT inside TLS. */
function serve(key: string, cert: string): Server {
  return createServer((socket) => {
    socket.on('error', () => {})
    let buffer = ''
    const onPlain = (chunk: Buffer): void => {
      buffer += chunk.toString('utf8')
      if (!buffer.includes('\n')) return
      socket.off('data', onPlain)
      seen.push(buffer.trim())
      socket.write('OK STARTTLS\n')
      const secure = new TLSSocket(socket, { isServer: true, key, cert })
      secure.on('error', () => {})
      secure.setEncoding('utf8')
      secure.on('data', (text: string) => {
        for (const line of text.split('\n').filter(Boolean)) {
          seen.push(line)
          secure.write(line === 'GET VAR u v' ? 'VAR u v "secret"\n' : 'ERR UNKNOWN-COMMAND\n')
        }
      })
    }
    socket.on('data', onPlain)
  })
}

describe('STARTTLS', () => {
  before(async () => {
    server = serve(pem.key, pem.cert)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    port = typeof address === 'object' && address !== null ? address.port : 0
  })
  after(() => {
    server.close()
  })

  test('try-mode upgrades without verifying, as upsc does', async () => {
    const client = await NutClient.connect({ host: '127.0.0.1', port, tls: 'try' })
    assert.equal(client.secure, true)
    assert.equal(await client.getVar('u', 'v'), 'secret')
    client.destroy()
    assert.equal(seen[0], 'STARTTLS')
  })

  test('require-mode verifies the certificate', async () => {
    const untrusted = await NutClient.connect({ host: '127.0.0.1', port, tls: 'require' }).catch(
      (e: unknown) => e,
    )
    assert.ok(untrusted instanceof NutClientError && untrusted.code === 'NS_CLIENT_TLS')
    const trusted = await NutClient.connect({
      host: 'localhost',
      port,
      family: 4,
      tls: 'require',
      tlsOptions: { ca: pem.cert },
    })
    assert.equal(trusted.secure, true)
    assert.equal(await trusted.getVar('u', 'v'), 'secret')
    trusted.destroy()
    const wrongName = await NutClient.connect({
      host: '127.0.0.1',
      port,
      tls: 'require',
      tlsOptions: { ca: pem.cert, servername: 'other.example' },
    }).catch((e: unknown) => e)
    assert.ok(wrongName instanceof NutClientError && wrongName.code === 'NS_CLIENT_TLS')
  })
})
