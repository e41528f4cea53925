/**
 * The one HTTP listener of nutshell (Fastify): the API, PeaNUT's routes, the live stream,
 * the dashboard, and whatever other faces mount (`mountHandler`: Prometheus /metrics and
 * the like, as plain handlers). Bound to loopback unless configured otherwise; TLS on the
 * same certificate options as the NUT server.
 *
 * ```ts
 * const web = await startWebServer({ config, store, monitor: () => m, rules: () => r,
 *   nutServer: () => s, minSupplies: () => 1, nutUsers: config.users, clock, log })
 * web.mountHandler('/metrics', (req) => ({ status: 200, headers: {}, body: '...' }))
 * web.url // http://127.0.0.1:8080/
 * await web.stop()
 * ```
 */
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance, type FastifyRequest, LogController } from 'fastify'
import type { UserConfig } from '../config/types.ts'
import type { WebConfig } from '../config/web-config.ts'
import type { Clock } from '../core/clock.ts'
import { NutshellError } from '../core/errors.ts'
import type { Logger } from '../core/log.ts'
import { FailureThrottle, type ThrottleSettings } from '../server/auth-throttle.ts'
import {
  type Descriptions,
  defaultCmdvartabPath,
  loadDescriptions,
} from '../server/descriptions.ts'
import { TrackingTable } from '../server/tracking.ts'
import { AuditLog } from './audit.ts'
import { roleAtLeast, UserDirectory } from './auth/directory.ts'
import { makeGuard, type RouteRole } from './auth/guard.ts'
import { SessionStore } from './auth/sessions.ts'
import type { RouteContext, WebSources } from './context.ts'
import { ActivityLog } from './live/activity.ts'
import { LiveHub } from './live/live-hub.ts'
import { OpenApiCollector } from './openapi.ts'
import { registerActionRoutes } from './routes/actions.ts'
import { registerDeviceRoutes } from './routes/devices.ts'
import { registerLiveRoutes } from './routes/live.ts'
import { registerPeanutRoutes } from './routes/peanut.ts'
import { registerSessionRoutes } from './routes/session.ts'
import { registerStateRoutes } from './routes/state.ts'
import { contentSecurityPolicy, loadStaticFiles, uiDirectory } from './static-files.ts'

/** What a mounted handler is given and answers: no Fastify types, so any face can write one. */
export interface PlainRequest {
  path: string
  query: Record<string, string>
  headers: Record<string, string | undefined>
}

export interface PlainResponse {
  status: number
  headers: Record<string, string>
  body: string | Buffer
}

export type PlainHandler = (request: PlainRequest) => PlainResponse | Promise<PlainResponse>

export interface WebServerOptions extends WebSources {
  config: WebConfig
  nutUsers: readonly UserConfig[]
  clock: Clock
  log: Logger
  descriptions?: Descriptions
  throttle?: Partial<ThrottleSettings>
  /** How long an action waits for the driver before answering PENDING (default 5 s). */
  actionWaitMs?: number
  /** Where the dashboard's built files are (default: dist/ui). */
  uiDir?: string
  /** Keep-alive comments on the live stream (default every 15 s). */
  heartbeatMs?: number
}

export interface WebServer {
  readonly app: FastifyInstance
  readonly hub: LiveHub
  readonly url: string
  address(): { host: string; port: number }
  /** Serves GET `path` with `handler`; `role` defaults to viewer (`public`: no login). */
  mountHandler(path: string, handler: PlainHandler, options?: { role?: RouteRole }): void
  setNutUsers(users: readonly UserConfig[]): void
  stop(): Promise<void>
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { config, clock, log } = options
  const https = config.tls === undefined ? null : readTls(config.tls)
  const app = Fastify({
    loggerInstance: log,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    // Stop must not wait for browsers' keep-alive connections or live streams.
    forceCloseConnections: true,
    ...(https === null ? {} : { https }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  }) as unknown as FastifyInstance
  const hub = new LiveHub({
    maxQueueBytes: config.sse.maxQueueBytes,
    maxReaders: config.sse.maxClients,
  })
  hub.onDrop = () => log.warn('a slow live-stream reader was dropped at its queue limit')
  const directory = new UserDirectory(config, options.nutUsers)
  const sessions = new SessionStore(clock, config.sessionTimeoutMs)
  const throttle = new FailureThrottle(clock, options.throttle)
  const ctx: RouteContext = {
    store: options.store,
    monitor: options.monitor,
    rules: options.rules,
    nutServer: options.nutServer,
    minSupplies: options.minSupplies,
    config,
    clock,
    log,
    descriptions: options.descriptions ?? loadDescriptions(defaultCmdvartabPath, log),
    tracking: new TrackingTable(clock, 3600_000),
    audit: new AuditLog({ clock, log, hub }),
    hub,
    directory,
    sessions,
    throttle,
    secure: https !== null,
    actionWaitMs: options.actionWaitMs ?? 5000,
  }
  const activity = new ActivityLog(options, hub, () => clock.wallNow())

  const openapi = new OpenApiCollector()
  openapi.attach(app)
  app.addHook('onRequest', makeGuard({ config, directory, sessions, throttle, clock }))
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff')
    void reply.header('referrer-policy', 'no-referrer')
    return payload
  })
  app.setErrorHandler(
    (error: { statusCode?: number; message: string; validation?: unknown }, request, reply) => {
      const status =
        error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 500
      if (status >= 500) request.log.error({ err: error }, 'web request failed')
      void reply.code(status).send({
        error: status >= 500 ? 'Internal Server Error' : 'Bad Request',
        message: status >= 500 ? 'internal error (see the log)' : error.message,
      })
    },
  )

  registerSessionRoutes(app, ctx)
  registerDeviceRoutes(app, ctx, activity)
  registerActionRoutes(app, ctx)
  registerStateRoutes(app, ctx)
  registerLiveRoutes(app, ctx)
  await app.register(async (scope) => {
    // PeaNUT answers JSON strings ("pong"); Fastify sends a returned string as plain text.
    scope.addHook('onSend', async (_request, reply, payload) => {
      const type = String(reply.getHeader('content-type') ?? '')
      if (typeof payload === 'string' && type.startsWith('text/plain')) {
        void reply.type('application/json; charset=utf-8')
        return JSON.stringify(payload)
      }
      return payload
    })
    registerPeanutRoutes(scope, ctx)
  })
  app.get('/api/openapi.json', { config: { role: 'public' } }, async () => openapi.document())

  const files = loadStaticFiles(options.uiDir ?? uiDirectory())
  const sendFile =
    (name: string) => async (_request: FastifyRequest, reply: import('fastify').FastifyReply) => {
      const file = files.get(name)
      if (file === undefined)
        return reply
          .code(404)
          .type('text/plain')
          .send('the dashboard is not built: run npm run build')
      return reply
        .type(file.type)
        .header('content-security-policy', contentSecurityPolicy)
        .header('cache-control', name === 'index.html' ? 'no-cache' : 'max-age=300')
        .send(file.body)
    }
  app.get('/', { config: { role: 'public' } }, sendFile('index.html'))
  app.get<{ Params: { file: string } }>(
    '/ui/:file',
    { config: { role: 'public' } },
    async (request, reply) => sendFile(request.params.file)(request, reply),
  )

  const mounted = new Map<string, { handler: PlainHandler; role: RouteRole }>()
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? ''
    const mount = mounted.get(path)
    if (mount === undefined || (request.method !== 'GET' && request.method !== 'HEAD'))
      return reply
        .code(404)
        .send({ error: 'Not Found', message: `no route ${request.method} ${path}` })
    // The guard ran with the default role: a public mount passes, a stricter one is checked here.
    const identity = request.identity
    if (
      mount.role !== 'public' &&
      (identity === undefined || !roleAtLeast(identity.role, mount.role))
    )
      return reply
        .code(identity === undefined ? 401 : 403)
        .send({ error: 'Unauthorized', message: 'log in first' })
    const query: Record<string, string> = {}
    for (const [k, v] of new URLSearchParams(request.url.slice(path.length + 1))) query[k] = v
    const headers: Record<string, string | undefined> = {}
    for (const [k, v] of Object.entries(request.headers))
      headers[k] = Array.isArray(v) ? v.join(', ') : v
    const answer = await mount.handler({ path, query, headers })
    return reply.code(answer.status).headers(answer.headers).send(answer.body)
  })

  activity.start()
  try {
    await app.listen({ host: config.listen.host, port: config.listen.port })
  } catch (error) {
    activity.stop()
    throw new NutshellError(
      'NS_LISTEN_FAILED',
      `web: cannot listen on ${config.listen.host}:${config.listen.port}: ${(error as Error).message}`,
      { cause: error },
    )
  }
  const heartbeat = clock.setInterval(() => hub.heartbeat(), options.heartbeatMs ?? 15_000)
  const bound = app.server.address() as AddressInfo
  const host = config.listen.host
  const shownHost = host.includes(':') ? `[${host}]` : host
  const url = `${https === null ? 'http' : 'https'}://${shownHost}:${bound.port}/`
  return {
    app,
    hub,
    url,
    address: () => ({ host, port: bound.port }),
    mountHandler(path, handler, mountOptions = {}) {
      mounted.set(path, { handler, role: mountOptions.role ?? 'viewer' })
    },
    setNutUsers(users) {
      directory.setNutUsers(users)
    },
    async stop() {
      heartbeat.cancel()
      activity.stop()
      hub.closeAll()
      await app.close()
    },
  }
}

function readTls(tls: NonNullable<WebConfig['tls']>): { cert: string; key: string } {
  try {
    const cert = readFileSync(tls.certFile, 'utf8')
    const key = tls.keyFile === undefined ? cert : readFileSync(tls.keyFile, 'utf8')
    return { cert, key }
  } catch (error) {
    throw new NutshellError(
      'NS_TLS_CONFIG',
      `web: cannot load TLS certificate ${tls.certFile}: ${(error as Error).message}`,
      {
        cause: error,
      },
    )
  }
}
