import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { silentLogger } from '../../core/log.ts'
import { ManualClock } from '../../core/manual-clock.ts'
import { ChannelQueue, type RenderedNotice, SendFailure } from './channel-queue.ts'
import { DeadLetterLog } from './dead-letter.ts'
import { renderTemplate } from './template.ts'

const log = silentLogger()
const notice = { type: 'ONBATT', ups: 'ups@localhost', text: 'on battery' }

/** Lets queued promise callbacks run between clock steps. */
const settle = () => new Promise((resolve) => setImmediate(resolve))

function queue(clock: ManualClock, send: (n: RenderedNotice) => Promise<void>, extra = {}) {
  return new ChannelQueue({
    name: 'q',
    events: ['ONBATT', 'RULE'],
    retries: 2,
    retryDelayMs: 1000,
    timeoutMs: 5000,
    send,
    clock,
    log,
    deadLetters: new DeadLetterLog({ max: 10, log }),
    ...extra,
  })
}

describe('channel queue', () => {
  it('takes only its events', () => {
    const q = queue(new ManualClock(), async () => {})
    assert.equal(q.accepts('onbatt'), true)
    assert.equal(q.accepts('RULE'), true)
    assert.equal(q.accepts('ONLINE'), false)
  })

  it('retries with doubling backoff, then gives up with the last error', async () => {
    const clock = new ManualClock()
    const tries: number[] = []
    const q = queue(clock, async () => {
      tries.push(clock.now())
      throw new SendFailure('HTTP 500')
    })
    const outcome = q.send(notice)
    for (let i = 0; i < 10; i++) {
      await settle()
      clock.advance(500)
    }
    assert.equal(await outcome, 'HTTP 500')
    // Attempts at 0, after 1 s, then after 2 s more.
    assert.deepEqual(tries, [0, 1000, 3000])
  })

  it('does not retry a permanent refusal, and times out a send that never answers', async () => {
    const clock = new ManualClock()
    let calls = 0
    const refused = queue(clock, async () => {
      calls++
      throw new SendFailure('HTTP 403', { permanent: true })
    })
    assert.equal(await refused.send(notice), 'HTTP 403')
    assert.equal(calls, 1)
    const hung = queue(clock, () => new Promise<void>(() => {}), { retries: 0 })
    const outcome = hung.send(notice)
    await settle()
    clock.advance(5000)
    assert.equal(await outcome, 'timed out after 5000 ms')
  })

  it('keeps to the rate limit: the next message waits for the window', async () => {
    const clock = new ManualClock()
    const sentAt: number[] = []
    const q = queue(
      clock,
      async () => {
        sentAt.push(clock.now())
      },
      { rateLimit: { count: 2, per: 60_000 } },
    )
    const all = Promise.all([q.send(notice), q.send(notice), q.send(notice)])
    for (let i = 0; i < 8; i++) {
      await settle()
      clock.advance(10_000)
    }
    await all
    assert.deepEqual(sentAt, [0, 0, 60_000])
  })

  it('renders its template', () => {
    const q = queue(new ManualClock(), async () => {}, {
      template: { title: '{{ ups }} {{type}}', message: '{{message}} {{other}}' },
    })
    const r = q.render(notice)
    assert.equal(r.title, 'ups@localhost ONBATT')
    assert.equal(r.message, 'on battery {{other}}')
  })
})

describe('templates', () => {
  it('replace every known placeholder and keep all other text as written', () => {
    const values = { type: 'T', ups: 'U', message: 'M', time: 'Z', host: 'H' }
    const piece = fc.oneof(
      fc
        .constantFrom(...Object.keys(values))
        .map((k) => ({ text: `{{${k}}}`, out: values[k as keyof typeof values] })),
      fc.string().map((t) => ({ text: t, out: t })),
    )
    fc.assert(
      fc.property(fc.array(piece), (pieces) => {
        const template = pieces.map((p) => p.text).join('')
        // Arbitrary text may itself hold `{{`: only check the exact rendering without it.
        if (pieces.some((p) => p.text === p.out && /[{}]/.test(p.text))) {
          renderTemplate(template, values)
          return
        }
        assert.equal(renderTemplate(template, values), pieces.map((p) => p.out).join(''))
      }),
    )
  })
})
