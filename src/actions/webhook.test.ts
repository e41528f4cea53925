import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startWebhookReceiver } from '../../test/helpers/webhook-receiver.ts'
import { systemClock } from '../core/clock.ts'
import { silentLogger } from '../core/log.ts'
import { postWebhook } from './webhook.ts'

describe('postWebhook', () => {
  it('POSTs JSON and reports the status', async () => {
    const receiver = await startWebhookReceiver({
      status: (path) => (path === '/fail' ? 500 : 204),
    })
    try {
      const ok = await postWebhook(
        `${receiver.url}/ok`,
        { a: 1 },
        { clock: systemClock, log: silentLogger() },
      )
      assert.deepEqual(ok, { ok: true, status: 204 })
      const bad = await postWebhook(
        `${receiver.url}/fail`,
        {},
        { clock: systemClock, log: silentLogger() },
      )
      assert.deepEqual(bad, { ok: false, status: 500 })
      assert.deepEqual(
        receiver.received.map((r) => `${r.method} ${r.contentType} ${r.text}`),
        ['POST application/json {"a":1}', 'POST application/json {}'],
      )
    } finally {
      await receiver.close()
    }
  })

  it('gives up after the timeout and on a refused connection, without throwing', async () => {
    const receiver = await startWebhookReceiver({ answer: false })
    try {
      const slow = await postWebhook(
        `${receiver.url}/`,
        {},
        { clock: systemClock, log: silentLogger(), timeoutMs: 100 },
      )
      assert.equal(slow.ok, false)
      assert.match(slow.error ?? '', /timed out after 100 ms/)
    } finally {
      await receiver.close()
    }
    const refused = await postWebhook(
      `${receiver.url}/`,
      {},
      { clock: systemClock, log: silentLogger() },
    )
    assert.equal(refused.ok, false)
  })
})
