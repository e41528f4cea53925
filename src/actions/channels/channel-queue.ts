/**
 * What makes a service channel safe to have: its own queue, so a slow or dead service
 * delays only itself (never another channel, never the monitor or its shutdown path); a
 * timeout on every attempt, enforced here even when the transport ignores the abort;
 * retries with exponential backoff (or the service's Retry-After); a rate limit; and the
 * dead-letter log for what failed every try or did not fit in the queue.
 */
import { hostname } from 'node:os'
import { type Clock, sleep } from '../../core/clock.ts'
import { describeError } from '../../core/errors.ts'
import type { Logger } from '../../core/log.ts'
import type { Notice, NotifyChannel } from '../notify-channel.ts'
import type { DeadLetterLog } from './dead-letter.ts'
import { defaultMessage, defaultTitle, renderTemplate } from './template.ts'

/** One message after templating, as a service sends it. */
export interface RenderedNotice {
  type: string
  ups: string
  title: string
  message: string
  time: string
}

/** A failed attempt; `permanent` stops retrying (a 4xx that will not change). */
export class SendFailure extends Error {
  readonly permanent: boolean
  readonly retryAfterMs: number | undefined
  constructor(message: string, options: { permanent?: boolean; retryAfterMs?: number } = {}) {
    super(message)
    this.name = 'SendFailure'
    this.permanent = options.permanent ?? false
    this.retryAfterMs = options.retryAfterMs
  }
}

/** Sends one message; rejects (preferably with SendFailure) when it did not arrive. */
export type Send = (notice: RenderedNotice, signal: AbortSignal) => Promise<void>

export interface ChannelQueueOptions {
  name: string
  /** `all`, or the notify types (upper case, RULE for rules) the channel takes. */
  events: 'all' | readonly string[]
  template?: { title?: string | undefined; message?: string | undefined } | undefined
  rateLimit?: { count: number; per: number } | undefined
  retries: number
  retryDelayMs: number
  timeoutMs: number
  /** Messages waiting beyond this go to the dead-letter log at once (default 100). */
  maxQueue?: number
  send: Send
  clock: Clock
  log: Logger
  deadLetters: DeadLetterLog
}

interface Item {
  notice: Notice
  /** The last error when the notice was given up, undefined when it was sent. */
  done: (error: string | undefined) => void
}

export class ChannelQueue implements NotifyChannel {
  readonly name: string
  private readonly options: ChannelQueueOptions
  private readonly queue: Item[] = []
  private readonly sentAt: number[] = []
  private running = false

  constructor(options: ChannelQueueOptions) {
    this.name = options.name
    this.options = options
  }

  accepts(type: string): boolean {
    const { events } = this.options
    return events === 'all' || events.includes(type.toUpperCase())
  }

  /** Queues the notice; the promise settles once it was sent or given up (never rejects). */
  async deliver(notice: Notice): Promise<void> {
    await this.send(notice)
  }

  /** As deliver, and says how it ended: undefined when sent, else the last error. */
  async send(notice: Notice): Promise<string | undefined> {
    if (this.queue.length >= (this.options.maxQueue ?? 100)) {
      const error = 'the channel queue is full'
      await this.options.deadLetters.add(this.letter(notice, error, 0))
      return error
    }
    return new Promise<string | undefined>((done) => {
      this.queue.push({ notice, done })
      void this.pump()
    })
  }

  render(notice: Notice): RenderedNotice {
    const time = new Date(this.options.clock.wallNow()).toISOString()
    const values = {
      type: notice.type,
      ups: notice.ups,
      message: notice.text,
      time,
      host: hostname(),
    }
    const t = this.options.template
    return {
      type: notice.type,
      ups: notice.ups,
      title: renderTemplate(t?.title ?? defaultTitle, values).replace(/\s+$/, ''),
      message: renderTemplate(t?.message ?? defaultMessage, values),
      time,
    }
  }

  private async pump(): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) {
        await this.waitForRate()
        item.done(await this.attempts(item.notice))
      }
    } finally {
      this.running = false
    }
  }

  private async waitForRate(): Promise<void> {
    const limit = this.options.rateLimit
    if (limit === undefined) return
    const { clock } = this.options
    for (;;) {
      const now = clock.now()
      while (this.sentAt.length > 0 && now - (this.sentAt[0] as number) >= limit.per)
        this.sentAt.shift()
      if (this.sentAt.length < limit.count) {
        this.sentAt.push(now)
        return
      }
      await sleep(clock, limit.per - (now - (this.sentAt[0] as number)))
    }
  }

  private async attempts(notice: Notice): Promise<string | undefined> {
    const { retries, retryDelayMs, clock, log } = this.options
    const rendered = this.render(notice)
    let last = ''
    for (let attempt = 0; attempt <= retries; attempt++) {
      try {
        await this.attempt(rendered)
        log.debug({ channel: this.name, type: notice.type, attempt }, 'notification sent')
        return undefined
      } catch (error) {
        last = describeError(error)
        const failure = error instanceof SendFailure ? error : undefined
        log.warn({ channel: this.name, attempt, err: last }, 'notification attempt failed')
        if (failure?.permanent === true || attempt === retries) {
          await this.options.deadLetters.add(this.letter(notice, last, attempt + 1))
          return last
        }
        await sleep(clock, failure?.retryAfterMs ?? retryDelayMs * 2 ** attempt)
      }
    }
    return last
  }

  /** One try, bounded by the timeout whether or not the transport honours the abort. */
  private attempt(rendered: RenderedNotice): Promise<void> {
    const { clock, timeoutMs } = this.options
    const controller = new AbortController()
    return new Promise<void>((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        controller.abort()
        reject(new SendFailure(`timed out after ${timeoutMs} ms`))
      }, timeoutMs)
      this.options.send(rendered, controller.signal).then(
        () => {
          timer.cancel()
          resolve()
        },
        (error: unknown) => {
          timer.cancel()
          reject(error)
        },
      )
    })
  }

  private letter(notice: Notice, error: string, attempts: number) {
    return {
      channel: this.name,
      type: notice.type,
      ups: notice.ups,
      text: notice.text,
      error,
      attempts,
      time: new Date(this.options.clock.wallNow()).toISOString(),
    }
  }
}
