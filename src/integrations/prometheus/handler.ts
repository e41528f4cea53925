/**
 * The Prometheus routes as a plain handler the web face mounts (and the standalone
 * listener serves): `/ups_metrics` is nut_exporter's exposition of one UPS, `/metrics`
 * nutshell's own metrics. Query parameters as nut_exporter's: `ups`, `server` (accepted;
 * nutshell serves its own devices), `variables`, `statuses`; `username`/`password` are
 * accepted and ignored (reading needs no login here).
 */
import type { DeviceStore } from '../../devices/device-store.ts'
import { withFsdPrefix } from '../../devices/status.ts'
import { type NutExporterOptions, type UpsVariable, upsFamilies } from './nut-exporter.ts'
import type { NutshellMetrics } from './nutshell-metrics.ts'
import { type MetricFamily, textContentType, writeExposition } from './text-format.ts'

export interface MetricsRequest {
  path: string
  query: URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>
  headers?: Readonly<Record<string, string | readonly string[] | undefined>>
}

export interface MetricsResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface PrometheusHandlerOptions {
  store: DeviceStore
  /** GET DESC's text for a variable (upsd's cmdvartab), `Description unavailable` if none. */
  describe: (name: string) => string | undefined
  exporter: NutExporterOptions
  metrics: NutshellMetrics | undefined
  /** Counts scrapes per face (face `prometheus`). */
  onRequest?: (path: string, status: number) => void
}

export const upsMetricsPath = '/ups_metrics'
export const metricsPath = '/metrics'

export type PrometheusHandler = ((request: MetricsRequest) => Promise<MetricsResponse>) & {
  readonly paths: readonly string[]
}

function param(query: MetricsRequest['query'], name: string): string | undefined {
  if (query instanceof URLSearchParams) return query.get(name) ?? undefined
  const value = query[name]
  return typeof value === 'string' ? value : Array.isArray(value) ? value[0] : undefined
}

/** promhttp's error page: what a nut_exporter user sees in Prometheus' target list. */
function failure(message: string): MetricsResponse {
  return {
    status: 500,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
    body: `An error has occurred while serving metrics:\n\n${message}\n`,
  }
}

/** promhttp's own series, per scrape target as nut_exporter keeps them. */
class ScrapeCounts {
  private readonly byTarget = new Map<string, Map<string, number>>()
  families(target: string): MetricFamily[] {
    const codes =
      this.byTarget.get(target) ??
      new Map([
        ['200', 0],
        ['500', 0],
        ['503', 0],
      ])
    return [
      {
        name: 'promhttp_metric_handler_requests_in_flight',
        help: 'Current number of scrapes being served.',
        type: 'gauge',
        samples: [{ value: 1 }],
      },
      {
        name: 'promhttp_metric_handler_requests_total',
        help: 'Total number of scrapes by HTTP status code.',
        type: 'counter',
        samples: [...codes].map(([code, value]) => ({ labels: [['code', code]] as const, value })),
      },
    ]
  }
  count(target: string, status: number): void {
    const codes =
      this.byTarget.get(target) ??
      new Map([
        ['200', 0],
        ['500', 0],
        ['503', 0],
      ])
    codes.set(String(status), (codes.get(String(status)) ?? 0) + 1)
    this.byTarget.set(target, codes)
  }
}

export function createPrometheusHandler(options: PrometheusHandlerOptions): PrometheusHandler {
  const counts = new ScrapeCounts()
  const describe = (name: string) => options.describe(name) ?? 'Description unavailable'

  const upsMetrics = (query: MetricsRequest['query']): MetricsResponse => {
    const asked = param(query, 'ups') ?? ''
    const devices = options.store.list()
    const target = asked
    let response: MetricsResponse
    if (asked === '' && devices.length !== 1) {
      response = failure(
        devices.length === 0
          ? 'no UPS is configured on this nutshell'
          : `Multiple UPS devices were found. Please add a ups=<name> query string (one of: ${devices.map((d) => d.name).join(', ')})`,
      )
    } else {
      const device = asked === '' ? devices[0] : options.store.get(asked)
      if (device === undefined) {
        response = failure(
          `${asked} UPS is not a valid name on this nutshell (known: ${devices.map((d) => d.name).join(', ') || 'none'})`,
        )
      } else if (device.commState !== 'ok') {
        // upsd answers ERR DATA-STALE here and nut_exporter fails the scrape: `up` goes 0.
        response = failure(`Failure instantiating the UPS: ${device.name}: DATA-STALE`)
      } else {
        const exporter = { ...options.exporter }
        const variables = param(query, 'variables')
        if (variables) exporter.variables = variables.split(',')
        const statuses = param(query, 'statuses')
        if (statuses) exporter.statuses = statuses.split(',')
        const list: UpsVariable[] = device.listVariables().map((v) => ({
          name: v.name,
          value:
            device.fsdLatched && v.name.toLowerCase() === 'ups.status'
              ? withFsdPrefix(v.value)
              : v.value,
        }))
        const families = upsFamilies(list, describe, exporter)
        response = {
          status: 200,
          headers: { 'content-type': textContentType },
          body: writeExposition([...families, ...counts.families(target)]),
        }
      }
    }
    counts.count(target, response.status)
    return response
  }

  const handler = async (request: MetricsRequest): Promise<MetricsResponse> => {
    let response: MetricsResponse
    if (request.path === upsMetricsPath) response = upsMetrics(request.query)
    else if (request.path === metricsPath && options.metrics !== undefined) {
      const { contentType, body } = await options.metrics.exposition()
      response = { status: 200, headers: { 'content-type': contentType }, body }
    } else {
      response = {
        status: 404,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: `404 page not found\n`,
      }
    }
    options.onRequest?.(request.path, response.status)
    return response
  }
  return Object.assign(handler, {
    paths: options.metrics === undefined ? [upsMetricsPath] : [upsMetricsPath, metricsPath],
  })
}
