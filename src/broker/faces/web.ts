/**
 * The web face in the broker: started only when `web:` is configured, and loaded with
 * import() so that a broker without it never loads Fastify (lazy-load.test.ts).
 */

import type { BrokerConfig } from '../../config/types.ts'
import type { Clock } from '../../core/clock.ts'
import { NutshellError } from '../../core/errors.ts'
import type { Logger } from '../../core/log.ts'
import type { DeviceStore } from '../../devices/device-store.ts'
import type { RunningMonitor } from '../../monitor/start-monitor.ts'
import type { RunningRules } from '../../rules/start-rules.ts'
import type { NutServer } from '../../server/nut-server.ts'
import type { PlainHandler, WebServer } from '../../web/server.ts'

export interface WebFaceContext {
  config: BrokerConfig
  store: DeviceStore
  clock: Clock
  log: Logger
  monitor: () => RunningMonitor | undefined
  rules: () => RunningRules | undefined
  nutServer: () => NutServer | undefined
}

export interface WebFace {
  readonly url: string
  readonly server: WebServer
  mountHandler(path: string, handler: PlainHandler, options?: { role?: 'public' | 'viewer' }): void
  reload(config: BrokerConfig): void
  stop(): Promise<void>
}

export async function startWebFace(context: WebFaceContext): Promise<WebFace> {
  const web = context.config.web
  if (web === undefined)
    throw new NutshellError('NS_INTERNAL', 'startWebFace without web: configured')
  const { startWebServer } = await import('../../web/server.ts')
  const server = await startWebServer({
    config: web,
    nutUsers: context.config.users,
    store: context.store,
    monitor: context.monitor,
    rules: context.rules,
    nutServer: context.nutServer,
    minSupplies: () => context.config.monitor?.minSupplies ?? 0,
    clock: context.clock,
    log: context.log.child({ face: 'web' }),
  })
  context.log.info({ url: server.url }, `web dashboard and API on ${server.url}`)
  return {
    url: server.url,
    server,
    mountHandler: (path, handler, options) => server.mountHandler(path, handler, options),
    reload: (config) => server.setNutUsers(config.users),
    stop: () => server.stop(),
  }
}
