/**
 * `integrations:`: one subsection per integration, each declared in its own file
 * (`integrations-<name>.ts`) and composed here, so that adding one is an import and a line.
 */
import type { z } from 'zod'
import { section } from '../schema-kit.ts'
import { apcupsdSchema } from './integrations-apcupsd.ts'
import { mdnsSchema } from './integrations-mdns.ts'
import { mqttSchema } from './integrations-mqtt.ts'
import { prometheusSchema } from './integrations-prometheus.ts'

export const integrationsFields = {
  prometheus: prometheusSchema.optional(),
  apcupsd: apcupsdSchema.optional(),
  mqtt: mqttSchema.optional(),
  mdns: mdnsSchema.optional(),
}

export const integrationsSchema = section(integrationsFields)

export type IntegrationsConfig = Exclude<z.output<typeof integrationsSchema>, undefined>
