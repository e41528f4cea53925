/**
 * Wiring of the Prometheus integration (`integrations.prometheus`): the handler the web
 * face mounts for /metrics and /ups_metrics, nutshell's own metrics fed from the NUT
 * server, the monitor and the store, and the standalone listener when `listen` is set.
 */
import type { IntegrationsConfig } from '../../config/schema/integrations.ts'
import type { Logger } from '../../core/log.ts'
import { nutshellVersion } from '../../core/version.ts'
import type { DeviceStore } from '../../devices/device-store.ts'
import {
  createPrometheusHandler,
  type PrometheusHandler,
} from '../../integrations/prometheus/handler.ts'
import { startPrometheusListener } from '../../integrations/prometheus/listener.ts'
import { nutExporterOptions } from '../../integrations/prometheus/nut-exporter.ts'
import { NutshellMetrics } from '../../integrations/prometheus/nutshell-metrics.ts'
import type { Monitor } from '../../monitor/monitor.ts'
import type { ActionRequest } from '../../rules/action-sink.ts'
import { defaultCmdvartabPath, loadDescriptions } from '../../server/descriptions.ts'
import type { NutServer } from '../../server/nut-server.ts'

export interface PrometheusFaceContext {
  settings: NonNullable<IntegrationsConfig['prometheus']>
  store: DeviceStore
  log: Logger
  server: NutServer | undefined
}

export interface PrometheusFace {
  handler: PrometheusHandler
  metrics: NutshellMetrics
  /** The standalone listener's port, when `listen` is set. */
  port: number | undefined
  /** Counts the monitor's readings, notifications and shutdown (serve's in-process one). */
  attachMonitor(monitor: Monitor | undefined): void
  /** Every rule action: one firing per rule and moment (a firing may ask for several). */
  ruleAction(request: ActionRequest): void
  stop(): Promise<void>
}

export async function startPrometheusFace(context: PrometheusFaceContext): Promise<PrometheusFace> {
  const { settings, store } = context
  const log = context.log.child({ face: 'prometheus' })
  const metrics = new NutshellMetrics({ store, version: nutshellVersion })
  const server = context.server
  if (server !== undefined) {
    metrics.connectionSource('nut', () => server.connectionCount)
    // Errors are upsd's `ERR ...` replies (ACCESS-DENIED, UNKNOWN-UPS, ...): kind `ERR`.
    metrics.countSource('nut', 'ERR', () => server.stats())
  }
  const scrapes = metrics.face('prometheus')
  // Same descriptions as GET DESC: nut_exporter's HELP text is GET DESC's answer.
  const descriptions = loadDescriptions(defaultCmdvartabPath, log)
  const handler = createPrometheusHandler({
    store,
    describe: (name) => descriptions.variable(name),
    exporter: nutExporterOptions(settings),
    metrics,
    onRequest: (_path, status) => {
      scrapes.request()
      if (status >= 400) scrapes.error(String(status))
    },
  })
  let unwatch = () => {}
  let lastFiring = ''
  const listen = settings.listen
  const listener =
    listen === undefined
      ? undefined
      : await startPrometheusListener({ handler, host: listen.host, port: listen.port, log })
  return {
    handler,
    metrics,
    port: listener?.port,
    attachMonitor(monitor) {
      unwatch()
      unwatch = watchMonitor(metrics, monitor)
    },
    ruleAction(request) {
      const firing = `${request.rule}@${request.at}`
      if (firing === lastFiring) return
      lastFiring = firing
      metrics.ruleFired(request.rule)
    },
    async stop() {
      unwatch()
      await listener?.stop()
      metrics.stop()
    },
  }
}

/** The monitor's readings and notifications as metrics (the in-process monitor of serve). */
function watchMonitor(metrics: NutshellMetrics, monitor: Monitor | undefined): () => void {
  if (monitor === undefined) return () => {}
  const observed = new Map<string, string | undefined>()
  let shuttingDown = false
  metrics.watchMonitor({
    observed: () => [...observed].map(([system, status]) => ({ system, status })),
    shuttingDown: () => shuttingDown,
  })
  const offs = [
    monitor.events.on('observation', (o) => observed.set(o.system, o.status)),
    monitor.events.on('notify', (n) => metrics.notification(n.type)),
    monitor.events.on('shutdown-started', () => {
      shuttingDown = true
    }),
  ]
  return () => {
    for (const off of offs) off()
  }
}
