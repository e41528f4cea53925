/**
 * `integrations.prometheus`: the metrics exposition (docs/integrations.md). Served on the
 * web listener's /metrics and /ups_metrics when the web face runs; `listen` adds a
 * standalone listener (off by default).
 */
import type { z } from 'zod'
import { bool, checkedText, list, section, text } from '../schema-kit.ts'
import { integrationListen } from './listen-address.ts'

const metricPrefix = checkedText((v) =>
  /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(v)
    ? undefined
    : `'${v}' is not a metric name prefix\nuse letters, digits and _ (e.g. network_ups_tools)`,
)

export const prometheusSchema = section({
  listen: integrationListen.optional(),
  /**
   * On the web listener: false (default) serves /metrics and /ups_metrics without login,
   * as Prometheus scrapers expect; true asks for the viewer role (e.g. an API token).
   */
  auth: bool.optional(),
  /** nut_exporter's --metrics.namespace. */
  namespace: metricPrefix.optional(),
  /** nut_exporter's --nut.vars_enable; empty or missing: every numeric variable. */
  variables: list(text({ nonEmpty: true })).optional(),
  /** nut_exporter's --nut.statuses: flags always exported (0 when absent). */
  statuses: list(text({ nonEmpty: true })).optional(),
  /** nut_exporter's --nut.disable_device_info, the other way round. */
  deviceInfo: bool.optional(),
  /** nut_exporter's on/off regexes (case-insensitive) for text values. */
  onRegex: text({ nonEmpty: true }).optional(),
  offRegex: text({ nonEmpty: true }).optional(),
})

export type PrometheusSettings = Exclude<z.output<typeof prometheusSchema>, undefined>
