/**
 * The native config file's schema, declared once: the loader validates with it, the types
 * of types.ts are inferred from it, and `nutshell config schema` prints it as JSON Schema.
 * docs/configuration.md describes every setting; keep the two in step.
 */
import { z } from 'zod'
import {
  adviceFor,
  isNotifyType,
  notifyTypes,
  parseSystemName,
} from '../protocol/nut-config/index.ts'
import { integrationsSchema } from './schema/integrations.ts'
import { notifySchema } from './schema/notify.ts'
import { powerRoadSchema } from './schema/power-road.ts'
import { webSchema } from './schema/web.ts'
import {
  bool,
  checkedText,
  coded,
  duration,
  hints,
  int,
  list,
  looseText,
  mapOf,
  oneOf,
  section,
  text,
} from './schema-kit.ts'

const port = int({ min: 1, max: 65535 })

/** `host`, `host:port` or `[v6]:port` as a text. */
const listenText = checkedText((v) => {
  const name = parseSystemName(`x@${v}`)
  return name.ok ? undefined : `'${v}': ${name.reason}\nwrite host, host:port or [ipv6]:port`
}).transform((v) => {
  const name = parseSystemName(`x@${v}`)
  return name.ok ? { host: name.value.host, port: name.value.port } : { host: v, port: 3493 }
})

const listenObject = z
  .strictObject({ host: text({ nonEmpty: true }), port: port.optional() })
  .transform((v) => ({ host: v.host, port: v.port ?? 3493 }))

const listenEntry = z.union([listenText, listenObject]).register(hints, {
  expected: 'an address',
  advice: 'write host, host:port, "[ipv6]:port" or {host, port}',
})

export const tlsSchema = z.strictObject({
  certFile: text({ nonEmpty: true }),
  keyFile: text({ nonEmpty: true }).optional(),
})

export const serverSchema = section({
  listen: list(listenEntry).optional(),
  maxAge: duration({ min: 1000 }).optional(),
  trackingDelay: duration().optional(),
  statePath: text({ nonEmpty: true }).optional(),
  tls: tlsSchema.optional(),
  limits: section({
    maxConnections: int({ min: 1 }).optional(),
    maxConnectionsPerAddress: int({ min: 1 }).optional(),
    idleTimeout: duration({ min: 1000 }).optional(),
    handshakeTimeout: duration({ min: 100 }).optional(),
    maxLineLength: int({ min: 64 }).optional(),
    maxOutputQueueBytes: int({ min: 1024 }).optional(),
  }).optional(),
})

/** Device names clients can address as `name@host:port`. */
const deviceName = checkedText((v) =>
  /[\s@:[\]"#\\]/.test(v)
    ? `device name '${v}' holds a character clients cannot send\nuse letters, digits and _ - . only`
    : undefined,
)

export const deviceSchema = z.strictObject({
  name: deviceName,
  driver: text({ nonEmpty: true }),
  port: text({ nonEmpty: true }),
  description: text().optional(),
  options: mapOf(z.string(), looseText).default({}),
  flags: list(text({ nonEmpty: true })).default([]),
})

const roles = ['primary', 'secondary', 'master', 'slave'] as const

export const userSchema = z.strictObject({
  name: text({ nonEmpty: true }),
  password: text().optional(),
  actions: list(
    oneOf(['SET', 'FSD', 'LOGIN', 'PRIMARY', 'MASTER'], { caseInsensitive: true }),
  ).optional(),
  instcmds: list(text({ nonEmpty: true })).optional(),
  upsmon: oneOf(roles, { caseInsensitive: true }).optional(),
})

/** A command: a text runs through /bin/sh -c (NUT's way), a list runs without a shell. */
export const commandSchema = z
  .union([
    text({ nonEmpty: true }).transform((shell) => ({ shell })),
    z
      .array(text({ nonEmpty: true }))
      .min(1, {
        error: coded(
          'missing-value',
          'the argument list is empty\nwrite ["/path/to/program", "arg"]',
        ),
      })
      .transform((argv) => ({ argv })),
  ])
  .register(hints, {
    expected: 'a command',
    advice: 'write a text (run by /bin/sh -c) or a list of words (run without a shell)',
  })

const systemName = checkedText((v) => {
  const name = parseSystemName(v)
  return name.ok ? undefined : `'${v}': ${name.reason}\nwrite ups@host[:port], e.g. myups@localhost`
}).transform((v) => {
  const name = parseSystemName(v)
  return { system: v, name: name.ok ? name.value : { ups: v, host: 'localhost', port: 3493 } }
})

const notifyTypeKey = z
  .string()
  .refine(isNotifyType, {
    error: (iss) =>
      `unknown notify type '${String(iss.input)}'\n${adviceFor(String(iss.input), notifyTypes, 'notify types are')}`,
  })
  .transform((k) => k.toUpperCase())

export const notifyFlagSchema = oneOf(['SYSLOG', 'WALL', 'EXEC', 'IGNORE'])

export const monitorTlsSchema = z.strictObject({
  certPath: text({ nonEmpty: true }).optional(),
  certIdent: z.strictObject({ name: text(), password: text() }).optional(),
  certHosts: list(
    z.strictObject({
      host: text({ nonEmpty: true }),
      certName: text(),
      verify: bool,
      force: bool,
    }),
  ).optional(),
  certVerify: bool.optional(),
  forceSsl: bool.optional(),
})

export const monitorSchema = section({
  monitors: list(
    z.strictObject({
      system: systemName,
      powerValue: int({ min: 0 }).optional(),
      user: text({ nonEmpty: true }),
      password: text(),
      role: oneOf(roles, { caseInsensitive: true }),
    }),
  ).optional(),
  minSupplies: int({ min: 0 }).optional(),
  shutdownCommand: commandSchema.optional(),
  hibernateCommand: commandSchema.optional(),
  powerRoad: powerRoadSchema.optional(),
  notifyCommand: commandSchema.optional(),
  notifyFlags: mapOf(notifyTypeKey, list(notifyFlagSchema)).optional(),
  notifyMessages: mapOf(notifyTypeKey, text()).optional(),
  pollFreq: duration({ min: 100 }).optional(),
  pollFreqAlert: duration({ min: 100 }).optional(),
  deadTime: duration().optional(),
  hostSync: duration().optional(),
  finalDelay: duration().optional(),
  powerDownFlag: text({ nonEmpty: true }).optional(),
  rbWarnTime: duration().optional(),
  noCommWarnTime: duration().optional(),
  offDuration: duration({ never: true }).optional(),
  overDuration: duration({ never: true }).optional(),
  obLbDuration: duration().optional(),
  alarmCritical: bool.optional(),
  shutdownExit: z
    .union([z.boolean(), duration({ never: true })])
    .optional()
    .register(hints, { expected: 'true, false or a duration' }),
  runAsUser: text({ nonEmpty: true }).optional(),
  defaultPolicy: bool.optional(),
  pollFailLogThrottleMax: int({ min: -1 }).optional(),
  debugMin: int({ min: 0 }).optional(),
  tls: monitorTlsSchema.optional(),
})

export const driverDefaultsSchema = section({
  driverPath: text({ nonEmpty: true }).optional(),
  user: text({ nonEmpty: true }).optional(),
  group: text({ nonEmpty: true }).optional(),
  chroot: text({ nonEmpty: true }).optional(),
  maxStartDelay: duration().optional(),
  maxRetry: int({ min: 0 }).optional(),
  retryDelay: duration().optional(),
  pollInterval: duration({ min: 100 }).optional(),
  noWait: bool.optional(),
  synchronous: oneOf(['yes', 'no', 'auto']).optional(),
  debugMin: int({ min: 0 }).optional(),
})

/** An http:// or https:// URL. */
const httpUrl = checkedText((v) => {
  let ok = false
  try {
    const url = new URL(v)
    ok = url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    ok = false
  }
  return ok ? undefined : `'${v}' is not an http(s) URL\nwrite e.g. https://hooks.example.com/ups`
})

export const rulesSchema = z.strictObject({
  files: list(text({ nonEmpty: true })),
  notifyWebhooks: list(httpUrl).optional(),
})

/**
 * The whole file. Top-level `x-...` keys (anchors to share, `x-password: &pw "..."`) are
 * taken out before validation (yaml-load.ts). A section nutshell does not implement yet
 * is not in the schema, so it is an error, never silently accepted.
 */
export const rootSchema = section({
  server: serverSchema.optional(),
  devices: list(deviceSchema).optional(),
  users: list(userSchema).optional(),
  monitor: monitorSchema.optional(),
  rules: rulesSchema.optional(),
  driverDefaults: driverDefaultsSchema.optional(),
  integrations: integrationsSchema.optional(),
  notify: notifySchema.optional(),
  web: webSchema.optional(),
})

/** Sections people may write that nutshell does not have yet, and what to say. */
export const plannedSections: Record<string, string> = {}

/**
 * NUT's own spellings (upsmon.conf, upsd.conf, ups.conf, upsd.users), lower-cased, and the
 * YAML key each is written as here: `SHUTDOWNCMD` → `shutdownCommand`.
 */
export const nutSpellings: Record<string, string> = {
  monitor: 'monitors',
  minsupplies: 'minSupplies',
  shutdowncmd: 'shutdownCommand',
  notifycmd: 'notifyCommand',
  notifyflag: 'notifyFlags',
  notifymsg: 'notifyMessages',
  pollfreq: 'pollFreq',
  pollfreqalert: 'pollFreqAlert',
  deadtime: 'deadTime',
  hostsync: 'hostSync',
  finaldelay: 'finalDelay',
  powerdownflag: 'powerDownFlag',
  rbwarntime: 'rbWarnTime',
  nocommwarntime: 'noCommWarnTime',
  offduration: 'offDuration',
  overduration: 'overDuration',
  oblbduration: 'obLbDuration',
  alarmcritical: 'alarmCritical',
  shutdownexit: 'shutdownExit',
  run_as_user: 'runAsUser',
  pollfail_log_throttle_max: 'pollFailLogThrottleMax',
  debug_min: 'debugMin',
  certpath: 'certPath',
  certident: 'certIdent',
  certhost: 'certHosts',
  certverify: 'certVerify',
  forcessl: 'forceSsl',
  listen: 'listen',
  maxage: 'maxAge',
  trackingdelay: 'trackingDelay',
  statepath: 'statePath',
  certfile: 'certFile',
  maxconn: 'maxConnections',
  desc: 'description',
  driverpath: 'driverPath',
  maxstartdelay: 'maxStartDelay',
  maxretry: 'maxRetry',
  retrydelay: 'retryDelay',
  pollinterval: 'pollInterval',
  nowait: 'noWait',
  upsmon: 'upsmon',
}
