import type { Clock } from '../core/clock.ts'
import { describeError } from '../core/errors.ts'
import type { Logger } from '../core/log.ts'

/**
 * The `webhook` action: an HTTP POST of the event as JSON, with a timeout on the
 * injected clock. Never throws and never rejects: the outcome is returned and logged, so
 * a dead receiver costs at most the timeout and cannot stop the rules.
 */
export interface WebhookOptions {
  clock: Clock
  log: Logger
  /** Whole request, connect to last byte (default 10 s). */
  timeoutMs?: number
  /** Injected for tests; the global fetch by default. */
  fetch?: typeof fetch
}

export interface WebhookOutcome {
  ok: boolean
  status?: number
  error?: string
}

export async function postWebhook(
  url: string,
  payload: unknown,
  options: WebhookOptions,
): Promise<WebhookOutcome> {
  const controller = new AbortController()
  const timeoutMs = options.timeoutMs ?? 10_000
  const timer = options.clock.setTimeout(() => controller.abort(), timeoutMs)
  const send = options.fetch ?? fetch
  try {
    const response = await send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'nutshell' },
      body: JSON.stringify(payload),
      signal: controller.signal,
      redirect: 'error',
    })
    // The body is not needed; release the connection without reading it.
    await response.body?.cancel().catch(() => undefined)
    const outcome: WebhookOutcome = { ok: response.ok, status: response.status }
    if (!response.ok)
      options.log.warn({ url, status: response.status }, 'webhook answered with an error status')
    return outcome
  } catch (error) {
    const message = controller.signal.aborted
      ? `timed out after ${timeoutMs} ms`
      : describeError(error)
    options.log.warn({ url, err: message }, 'webhook failed')
    return { ok: false, error: message }
  } finally {
    timer.cancel()
  }
}
