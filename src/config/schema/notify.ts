/**
 * `notify:`: notification channels beside NOTIFYCMD, WALL, SYSLOG and webhooks
 * (docs/notifications.md). Each channel says which notify types it takes (`events`, or
 * `all`; `RULE` is a rule's `notify`), has its own template, rate limit, retries and
 * timeout. Durations are milliseconds after parsing.
 */
import { z } from 'zod'
import { isNotifyType } from '../../protocol/nut-config/index.ts'
import { bool, checkedText, duration, int, list, section, text } from '../schema-kit.ts'

const httpUrl = checkedText((v) => {
  try {
    const url = new URL(v)
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined
  } catch {
    // falls through
  }
  return `'${v}' is not an http(s) URL\nwrite e.g. https://ntfy.sh`
})

/** Names the NOTIFYFLAG words and the webhook channel already use. */
const reserved = ['exec', 'syslog', 'wall', 'ignore', 'webhook']
const channelName = checkedText((v) =>
  reserved.includes(v.toLowerCase())
    ? `'${v}' is the name of a built-in channel\nchoose another name`
    : /^[A-Za-z0-9_.-]+$/.test(v)
      ? undefined
      : `'${v}' is not a channel name\nuse letters, digits and _ - . only`,
)

const eventName = checkedText((v) =>
  v.toUpperCase() === 'RULE' || isNotifyType(v)
    ? undefined
    : `unknown notify type '${v}'\nwrite ONLINE, ONBATT, LOWBATT, ..., or RULE for a rule's notify`,
).transform((v) => v.toUpperCase())

const common = {
  name: channelName,
  /** `all` (the default) or the notify types this channel takes. */
  events: z
    .union([z.literal('all'), list(eventName)])
    .default('all')
    .optional(),
  template: z.strictObject({ title: text().optional(), message: text().optional() }).optional(),
  /** At most `count` messages per `per`; more wait their turn. */
  rateLimit: z.strictObject({ count: int({ min: 1 }), per: duration({ min: 1 }) }).optional(),
  retries: int({ min: 0, max: 20 }).default(3),
  retryDelay: duration({ min: 1 }).default(1000),
  /** One attempt, connect to answer. */
  timeout: duration({ min: 1 }).default(10_000),
}

const ntfy = z.strictObject({
  ...common,
  type: z.literal('ntfy'),
  url: httpUrl.default('https://ntfy.sh'),
  topic: checkedText((v) =>
    /^[-_A-Za-z0-9]{1,64}$/.test(v)
      ? undefined
      : `'${v}' is not an ntfy topic\nuse [-_A-Za-z0-9], at most 64`,
  ),
  token: text({ nonEmpty: true }).optional(),
  priority: int({ min: 1, max: 5 }).optional(),
  tags: list(text({ nonEmpty: true })).optional(),
})

const gotify = z.strictObject({
  ...common,
  type: z.literal('gotify'),
  url: httpUrl,
  token: text({ nonEmpty: true }),
  priority: int({ min: 0, max: 10 }).optional(),
})

const telegram = z.strictObject({
  ...common,
  type: z.literal('telegram'),
  url: httpUrl.default('https://api.telegram.org'),
  token: text({ nonEmpty: true }),
  chatId: z.union([z.int(), text({ nonEmpty: true })]),
  silent: bool.optional(),
})

const discord = z.strictObject({
  ...common,
  type: z.literal('discord'),
  url: httpUrl,
  username: text({ nonEmpty: true }).optional(),
})

const slack = z.strictObject({
  ...common,
  type: z.literal('slack'),
  url: httpUrl,
})

const email = z.strictObject({
  ...common,
  type: z.literal('email'),
  host: text({ nonEmpty: true }),
  port: int({ min: 1, max: 65535 }).default(587),
  /** Implicit TLS (port 465); otherwise STARTTLS when the server offers it. */
  secure: bool.default(false),
  /** Refuse to send unless STARTTLS succeeds (port 587). */
  requireTls: bool.default(false),
  user: text({ nonEmpty: true }).optional(),
  password: text().optional(),
  caFile: text({ nonEmpty: true }).optional(),
  rejectUnauthorized: bool.default(true),
  from: text({ nonEmpty: true }),
  to: list(text({ nonEmpty: true })),
})

export const notifyChannelSchema = z.discriminatedUnion('type', [
  ntfy,
  gotify,
  telegram,
  discord,
  slack,
  email,
])

export const channelTypes = ['ntfy', 'gotify', 'telegram', 'discord', 'slack', 'email'] as const

export const notifySchema = section({
  channels: list(notifyChannelSchema).optional(),
  /** Messages that failed every retry, one JSON object a line (bounded). */
  deadLetterFile: text({ nonEmpty: true }).optional(),
  deadLetterMax: int({ min: 1 }).default(1000),
})

export type NotifyConfig = z.output<typeof notifySchema>
export type NotifyChannelConfig = z.output<typeof notifyChannelSchema>
