/**
 * Hostile and broken clients against nutshell's NUT server. During each case a
 * well-behaved client keeps asking; the test asserts that it is answered (the timings are
 * measured by bench/server.bench.ts, not asserted here).
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import {
  LineClient,
  type RunningServer,
  sampleStore,
  startTestServer,
  testServerConfig,
} from '../helpers/nut-server-fixture.ts'
import { makeTestCertificate } from '../helpers/tls-cert.ts'

let dir: string
let running: RunningServer

/** The well-behaved client: a handful of ordinary requests, each must be answered. */
async function probe(): Promise<void> {
  const client = await LineClient.connect(running.port)
  try {
    for (let i = 0; i < 10; i++) {
      assert.equal(
        await client.request('GET VAR dummy ups.status'),
        'VAR dummy ups.status "OL CHRG"',
      )
      assert.match(await client.request('LIST VAR dummy'), /END LIST VAR dummy$/)
    }
    assert.equal(await client.request('USERNAME admin'), 'OK')
    assert.equal(await client.request('PASSWORD adminpass'), 'OK')
    assert.equal(await client.request('PRIMARY dummy'), 'ERR ACCESS-DENIED')
    assert.equal(await client.request('SET VAR dummy ups.id probe'), 'OK')
  } finally {
    client.close()
  }
}

function openRaw(count: number): Promise<Socket[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect({ port: running.port, host: '127.0.0.1' })
          socket.on('error', () => {})
          socket.once('connect', () => resolve(socket))
          socket.once('error', reject)
        }),
    ),
  )
}

async function settle(): Promise<void> {
  for (let i = 0; i < 200 && running.server.connectionCount > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('NUT server under abuse', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ns-abuse-'))
    const { certFile: cert, keyFile: key } = makeTestCertificate(dir)
    running = await startTestServer({
      store: sampleStore().store,
      server: testServerConfig({ tls: { certFile: cert, keyFile: key } }),
      throttle: { freeFailures: 2, baseDelayMs: 20, maxDelayMs: 200 },
    })
  })
  after(async () => {
    await running.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps answering while a client sends STARTTLS and nothing more', async () => {
    const [stuck] = await openRaw(1)
    stuck!.write('STARTTLS\n')
    await probe()
    stuck!.destroy()
    await settle()
  })

  it('keeps answering while a client pipelines thousands of LIST VAR without reading', async () => {
    const [hog] = await openRaw(1)
    hog!.pause()
    hog!.write('LIST VAR dummy\n'.repeat(5_000))
    await probe()
    // Its unread replies pass the output cap (once the kernel's buffers are full too), so
    // the server drops it.
    for (let i = 0; i < 40 && running.server.connectionCount > 0; i++) {
      hog!.write('LIST VAR dummy\n'.repeat(5_000))
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    assert.equal(running.server.connectionCount, 0)
    hog!.destroy()
  })

  it('keeps answering with 1,000 silent connections open', async () => {
    const silent = await openRaw(1_000)
    try {
      for (let i = 0; i < 500 && running.server.connectionCount < 1_000; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      assert.equal(running.server.connectionCount, 1_000)
      await probe()
    } finally {
      for (const socket of silent) socket.destroy()
      await settle()
    }
  })

  it('keeps answering while clients send oversized lines', async () => {
    const senders = await openRaw(5)
    const big = 'A'.repeat(256 * 1024)
    for (const socket of senders) socket.write(big)
    await probe()
    await settle()
    assert.equal(running.server.connectionCount, 0)
    for (const socket of senders) socket.destroy()
  })

  it('keeps answering during a password brute force, refusing every guess', async () => {
    const guesses = Array.from({ length: 40 }, async (_, i) => {
      const client = await LineClient.connect(running.port)
      await client.request('USERNAME admin')
      await client.request(`PASSWORD guess${i}`)
      const reply = await client.request('LOGIN dummy', 10_000)
      client.close()
      return reply
    })
    await probe()
    const replies = await Promise.all(guesses)
    assert.deepEqual(new Set(replies), new Set(['ERR ACCESS-DENIED']))
    await settle()
  })
})
