/**
 * `integrations.mqtt`: the MQTT face (docs/integrations.md). Present means on. Durations
 * are milliseconds after parsing.
 */
import { z } from 'zod'
import { bool, checkedText, duration, int, list, section, text } from '../schema-kit.ts'

/** mqtt://, mqtts://, ws:// or wss:// with a host. */
const brokerUrl = checkedText((v) => {
  try {
    const url = new URL(v)
    if (['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:', 'ssl:'].includes(url.protocol) && url.host)
      return undefined
  } catch {
    // falls through to the message
  }
  return `'${v}' is not an MQTT broker URL\nwrite e.g. mqtt://broker.example:1883 or mqtts://broker.example:8883`
})

/** One topic level: no `/`, `+`, `#` and not empty. */
const topicLevel = checkedText((v) =>
  /[/+#\s]/.test(v)
    ? `'${v}' cannot be an MQTT topic level\nuse letters, digits and _ - . only`
    : undefined,
)

/** A topic prefix of one or more levels: `nutshell`, `dc1/power`. */
const topicPrefix = checkedText((v) =>
  /[+#\s]/.test(v) || v.startsWith('/') || v.endsWith('/') || v.includes('//')
    ? `'${v}' cannot be an MQTT topic prefix\nwrite levels separated by /, without + # or spaces`
    : undefined,
)

export const mqttSchema = z.strictObject({
  url: brokerUrl,
  /** The first topic levels, shared by every site on one broker. */
  prefix: topicPrefix.default('nutshell'),
  /** This instance's level under the prefix: one per nutshell on a shared broker. */
  site: topicLevel.default('local'),
  clientId: text({ nonEmpty: true }).optional(),
  username: text({ nonEmpty: true }).optional(),
  password: text().optional(),
  tls: z
    .strictObject({
      caFile: text({ nonEmpty: true }).optional(),
      certFile: text({ nonEmpty: true }).optional(),
      keyFile: text({ nonEmpty: true }).optional(),
      rejectUnauthorized: bool.default(true),
    })
    .optional(),
  keepalive: duration({ min: 5000 }).default(30_000),
  reconnect: section({
    min: duration({ min: 100 }).optional(),
    max: duration({ min: 100 }).optional(),
  }).optional(),
  discovery: section({
    enabled: bool.optional(),
    prefix: topicPrefix.optional(),
  }).optional(),
  /**
   * Which commands MQTT may run: `instcmd` names, `set` variable names, each optionally
   * `device/` first; `*` matches any run of characters. Empty (the default): none.
   */
  commands: section({
    allow: list(text({ nonEmpty: true })).optional(),
  }).optional(),
  /** QoS of state messages (events and results are always QoS 1). */
  stateQos: int({ min: 0, max: 1 }).default(1),
})

export type MqttConfig = z.output<typeof mqttSchema>
