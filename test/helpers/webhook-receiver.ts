/**
 * An HTTP server on 127.0.0.1 that takes webhooks (nutshell's rules and monitor POST JSON)
 * and keeps what arrived, for tests to wait on and look at.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedWebhook {
  method: string
  /** The request path (and query), e.g. `/hook`. */
  path: string
  contentType: string | undefined
  /** Every request header, names in lower case. */
  headers: Record<string, string | string[] | undefined>
  /** The body as sent. */
  text: string
  /** The body parsed as JSON; undefined when it is not JSON. */
  body: Record<string, unknown> | undefined
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`; append a path. */
  readonly url: string
  readonly received: ReceivedWebhook[]
  close(): Promise<void>
}

export interface WebhookReceiverOptions {
  /** The status answered for a request (default 204). */
  status?: (path: string) => number
  /** false: read nothing and never answer (a receiver that hangs). */
  answer?: boolean
  /** The body answered (default none), e.g. Slack's `ok` or Telegram's JSON. */
  reply?: (path: string) => string
}

export async function startWebhookReceiver(
  options: WebhookReceiverOptions = {},
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = []
  const server = createServer((request: IncomingMessage, response) => {
    if (options.answer === false) return
    let text = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => {
      text += chunk
    })
    request.on('end', () => {
      const path = request.url ?? ''
      received.push({
        method: request.method ?? '',
        path,
        contentType: request.headers['content-type'],
        headers: { ...request.headers },
        text,
        body: parseJson(text),
      })
      response.statusCode = options.status?.(path) ?? 204
      response.end(options.reply?.(path) ?? '')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
