import assert from 'node:assert/strict'
import { request } from 'node:http'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { startWebFixture, type WebFixture } from '../../../test/helpers/web-fixture.ts'
import { LiveHub, type LiveSink } from './live-hub.ts'

/** A sink that takes `accept` writes, then reports "full" until drained by hand. */
function fakeSink(accept: number) {
  const written: string[] = []
  let drain: () => void = () => {}
  let ended = false
  const sink: LiveSink = {
    write(chunk) {
      written.push(chunk)
      return written.length < accept
    },
    onDrain(listener) {
      drain = listener
    },
    end() {
      ended = true
    },
  }
  return { sink, written, drain: () => drain(), ended: () => ended }
}

describe('live hub', () => {
  it('drops a reader whose queue passes its cap; the others get every event', () => {
    const hub = new LiveHub({ maxQueueBytes: 1000, maxReaders: 10 })
    const slow = fakeSink(1)
    const fast = fakeSink(Number.POSITIVE_INFINITY)
    hub.add(slow.sink)
    hub.add(fast.sink)
    for (let i = 0; i < 100; i++) hub.publish('store', { i, pad: 'x'.repeat(20) })
    assert.equal(fast.written.length, 100)
    assert.ok(slow.ended())
    assert.deepEqual(hub.stats().readers, 1)
    assert.equal(hub.stats().dropped, 1)
  })

  it('flushes a blocked reader in order on drain', () => {
    const hub = new LiveHub({ maxQueueBytes: 100_000, maxReaders: 10 })
    const r = fakeSink(1)
    hub.add(r.sink)
    for (let i = 0; i < 5; i++) hub.publish('e', i)
    assert.equal(r.written.length, 1)
    r.drain()
    // After the drain the sink takes one more and blocks again; drain until all are in.
    while (r.written.length < 5) r.drain()
    assert.deepEqual(
      r.written.map((w) => /data: (\d+)/.exec(w)?.[1]),
      ['0', '1', '2', '3', '4'],
    )
  })
})

describe('live stream over HTTP', () => {
  let f: WebFixture
  before(async () => {
    f = await startWebFixture({
      config: { anonymous: 'viewer', sse: { maxQueueBytes: 64 * 1024, maxClients: 10 } },
    })
  })
  after(() => f.stop())

  it('a reader that never reads is dropped at its cap; a reading one gets every event', async () => {
    const { port } = f.web.address()
    // The slow reader: sends the request, never reads a byte.
    const slow = connect(port, '127.0.0.1')
    slow.pause()
    slow.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
    let received = ''
    const fast = await new Promise<import('node:http').IncomingMessage>((resolve) => {
      request({ host: '127.0.0.1', port, path: '/api/events?device=ups1' }, resolve).end()
    })
    fast.setEncoding('utf8')
    fast.on('data', (chunk: string) => {
      received += chunk
    })
    while (f.web.hub.stats().readers < 2) await new Promise((r) => setTimeout(r, 10))
    const device = f.store.get('ups1')
    const total = 12_000
    const pad = 'x'.repeat(900)
    for (let i = 0; i < total; i++) {
      device?.setValue('ups.test.pad', `${i} ${pad}`)
      if (i % 10 === 0) await new Promise((r) => setImmediate(r))
    }
    const last = `"${total - 1} `
    while (!received.includes(last) && f.web.hub.stats().readers > 0)
      await new Promise((r) => setTimeout(r, 10))
    assert.equal(f.web.hub.stats().dropped, 1, 'the slow reader was dropped')
    assert.equal(f.web.hub.stats().readers, 1)
    const seen = received.match(/ups\.test\.pad/g)?.length ?? 0
    assert.equal(seen, total, 'the reading client missed nothing')
    slow.destroy()
    fast.destroy()
  })
})
