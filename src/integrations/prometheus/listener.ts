/**
 * The standalone listener (`integrations.prometheus.listen`, off by default) for sites
 * without the web face: node:http serving the handler's routes, GET and HEAD only, with
 * short timeouts so a slow client cannot hold a socket.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from '../../core/log.ts'
import type { PrometheusHandler } from './handler.ts'

export interface PrometheusListener {
  readonly port: number
  readonly host: string
  stop(): Promise<void>
}

export async function startPrometheusListener(options: {
  handler: PrometheusHandler
  host: string
  port: number
  log: Logger
}): Promise<PrometheusListener> {
  const server = createServer(
    { requestTimeout: 10_000, maxHeaderSize: 8192 },
    (req: IncomingMessage, res: ServerResponse) => {
      void serve(options.handler, req, res, options.log)
    },
  )
  server.keepAliveTimeout = 30_000
  server.headersTimeout = 5_000
  server.maxConnections = 256
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  options.log.info({ host: address.address, port: address.port }, 'prometheus metrics listening')
  return {
    port: address.port,
    host: address.address,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

async function serve(
  handler: PrometheusHandler,
  req: IncomingMessage,
  res: ServerResponse,
  log: Logger,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' })
    res.end('method not allowed\n')
    return
  }
  try {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const response = await handler({
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
    })
    res.writeHead(response.status, response.headers)
    res.end(req.method === 'HEAD' ? undefined : response.body)
  } catch (error) {
    log.error({ err: error }, 'prometheus scrape failed')
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
    res.end('internal error\n')
  }
}
