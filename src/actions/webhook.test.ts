import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import { systemClock } from '../core/clock.ts'
import { silentLogger } from '../core/log.ts'
import { postWebhook } from './webhook.ts'

describe('postWebhook', () => {
  it('POSTs JSON and reports the status', async () => {
    const bodies: string[] = []
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => {
        body += c.toString()
      })
      req.on('end', () => {
        bodies.push(`${req.method} ${req.headers['content-type']} ${body}`)
        res.statusCode = req.url === '/fail' ? 500 : 204
        res.end()
      })
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as AddressInfo
    try {
      const ok = await postWebhook(
        `http://127.0.0.1:${port}/ok`,
        { a: 1 },
        { clock: systemClock, log: silentLogger() },
      )
      assert.deepEqual(ok, { ok: true, status: 204 })
      const bad = await postWebhook(
        `http://127.0.0.1:${port}/fail`,
        {},
        { clock: systemClock, log: silentLogger() },
      )
      assert.deepEqual(bad, { ok: false, status: 500 })
      assert.deepEqual(bodies, ['POST application/json {"a":1}', 'POST application/json {}'])
    } finally {
      server.close()
    }
  })

  it('gives up after the timeout and on a refused connection, without throwing', async () => {
    const server = createServer(() => {
      // never answers
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as AddressInfo
    try {
      const slow = await postWebhook(
        `http://127.0.0.1:${port}/`,
        {},
        { clock: systemClock, log: silentLogger(), timeoutMs: 100 },
      )
      assert.equal(slow.ok, false)
      assert.match(slow.error ?? '', /timed out after 100 ms/)
    } finally {
      server.closeAllConnections()
      server.close()
    }
    const refused = await postWebhook(
      `http://127.0.0.1:${port}/`,
      {},
      { clock: systemClock, log: silentLogger() },
    )
    assert.equal(refused.ok, false)
  })
})
