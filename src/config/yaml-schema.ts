/**
 * The native config file's schema, written with the validators of yaml-validate.ts.
 * docs/configuration.md describes every setting; keep the two in step.
 */
import { isScalar, type Node as YamlNode } from 'yaml'
import {
  adviceFor,
  isNotifyType,
  notifyTypes,
  parseSystemName,
  type UpsSystemName,
} from '../protocol/nut-config/index.ts'
import type { CommandSpec, ListenAddress, NotifyFlag } from './types.ts'
import {
  bool,
  byKind,
  duration,
  int,
  list,
  object,
  oneOf,
  optional,
  record,
  report,
  required,
  str,
  text,
  type Validator,
} from './yaml-validate.ts'

const port = int({ min: 1, max: 65535 })

/** `host`, `host:port` or `[v6]:port` as a text. */
const listenText: Validator<ListenAddress> = (node, path, ctx) => {
  const value = str({ nonEmpty: true })(node, path, ctx)
  if (value === undefined) return undefined
  const name = parseSystemName(`x@${value}`)
  if (!name.ok) {
    report(
      ctx,
      node,
      path,
      'bad-value',
      `'${value}': ${name.reason}`,
      'write host, host:port or [ipv6]:port',
    )
    return undefined
  }
  return { host: name.value.host, port: name.value.port }
}

const listenObject = object({ host: required(str({ nonEmpty: true })), port: optional(port) })

const listenEntry: Validator<ListenAddress> = byKind(listenText, (node, path, ctx) => {
  const v = listenObject(node, path, ctx)
  return v === undefined ? undefined : { host: v.host, port: v.port ?? 3493 }
})

export const serverSchema = object({
  listen: optional(list(listenEntry)),
  maxAge: optional(duration({ min: 1000 })),
  trackingDelay: optional(duration()),
  statePath: optional(str({ nonEmpty: true })),
  tls: optional(
    object({
      certFile: required(str({ nonEmpty: true })),
      keyFile: optional(str({ nonEmpty: true })),
    }),
  ),
  limits: optional(
    object({
      maxConnections: optional(int({ min: 1 })),
      maxConnectionsPerAddress: optional(int({ min: 1 })),
      idleTimeout: optional(duration({ min: 1000 })),
      handshakeTimeout: optional(duration({ min: 100 })),
      maxLineLength: optional(int({ min: 64 })),
      maxOutputQueueBytes: optional(int({ min: 1024 })),
    }),
  ),
})

/** Device names clients can address as `name@host:port`. */
const deviceName: Validator<string> = (node, path, ctx) => {
  const v = str({ nonEmpty: true })(node, path, ctx)
  if (v === undefined) return undefined
  if (/[\s@:[\]"#\\]/.test(v)) {
    report(
      ctx,
      node,
      path,
      'bad-value',
      `device name '${v}' holds a character clients cannot send`,
      'use letters, digits and _ - . only',
    )
    return undefined
  }
  return v
}

export const deviceSchema = object({
  name: required(deviceName),
  driver: required(str({ nonEmpty: true })),
  port: required(str({ nonEmpty: true })),
  description: optional(str()),
  options: optional(record(text)),
  flags: optional(list(str({ nonEmpty: true }))),
})

export const userSchema = object({
  name: required(str({ nonEmpty: true })),
  password: optional(str()),
  actions: optional(
    list(oneOf(['SET', 'FSD', 'LOGIN', 'PRIMARY', 'MASTER'], { caseInsensitive: true })),
  ),
  instcmds: optional(list(str({ nonEmpty: true }))),
  upsmon: optional(oneOf(['primary', 'secondary', 'master', 'slave'], { caseInsensitive: true })),
})

/** A command: a text runs through /bin/sh -c (NUT's way), a list runs without a shell. */
const command: Validator<CommandSpec> = byKind(
  (node, path, ctx) => {
    const v = str({ nonEmpty: true })(node, path, ctx)
    return v === undefined ? undefined : { shell: v }
  },
  (node, path, ctx) => {
    const v = list(str({ nonEmpty: true }))(node, path, ctx)
    if (v === undefined) return undefined
    if (v.length === 0) {
      report(
        ctx,
        node,
        path,
        'missing-value',
        'the argument list is empty',
        'write ["/path/to/program", "arg"]',
      )
      return undefined
    }
    return { argv: v }
  },
)

const systemName: Validator<{ system: string; name: UpsSystemName }> = (node, path, ctx) => {
  const v = str({ nonEmpty: true })(node, path, ctx)
  if (v === undefined) return undefined
  const name = parseSystemName(v)
  if (!name.ok) {
    report(
      ctx,
      node,
      path,
      'bad-value',
      `'${v}': ${name.reason}`,
      'write ups@host[:port], e.g. myups@localhost',
    )
    return undefined
  }
  return { system: v, name: name.value }
}

const notifyTypeKey: Validator<string> = (node, path, ctx) => {
  const key = isScalar(node) ? String(node.value) : ''
  if (isNotifyType(key)) return key.toUpperCase()
  report(
    ctx,
    node,
    path,
    'bad-value',
    `unknown notify type '${key}'`,
    adviceFor(key, notifyTypes, 'notify types are'),
  )
  return undefined
}

const flagWords: readonly NotifyFlag[] = ['SYSLOG', 'WALL', 'EXEC', 'IGNORE']

const shutdownExit: Validator<boolean | number> = (node: YamlNode | null, path, ctx) =>
  isScalar(node) && typeof node.value === 'boolean'
    ? node.value
    : duration({ never: true })(node, path, ctx)

export const monitorSchema = object({
  monitors: optional(
    list(
      object({
        system: required(systemName),
        powerValue: optional(int({ min: 0 })),
        user: required(str({ nonEmpty: true })),
        password: required(str()),
        role: required(
          oneOf(['primary', 'secondary', 'master', 'slave'], { caseInsensitive: true }),
        ),
      }),
    ),
  ),
  minSupplies: optional(int({ min: 0 })),
  shutdownCommand: optional(command),
  hibernateCommand: optional(command),
  notifyCommand: optional(command),
  notifyFlags: optional(record(list(oneOf(flagWords)), notifyTypeKey)),
  notifyMessages: optional(record(str(), notifyTypeKey)),
  pollFreq: optional(duration({ min: 100 })),
  pollFreqAlert: optional(duration({ min: 100 })),
  deadTime: optional(duration()),
  hostSync: optional(duration()),
  finalDelay: optional(duration()),
  powerDownFlag: optional(str({ nonEmpty: true })),
  rbWarnTime: optional(duration()),
  noCommWarnTime: optional(duration()),
  offDuration: optional(duration({ never: true })),
  overDuration: optional(duration({ never: true })),
  obLbDuration: optional(duration()),
  alarmCritical: optional(bool),
  shutdownExit: optional(shutdownExit),
  runAsUser: optional(str({ nonEmpty: true })),
  defaultPolicy: optional(bool),
  pollFailLogThrottleMax: optional(int({ min: -1 })),
  debugMin: optional(int({ min: 0 })),
  tls: optional(
    object({
      certPath: optional(str({ nonEmpty: true })),
      certIdent: optional(object({ name: required(str()), password: required(str()) })),
      certHosts: optional(
        list(
          object({
            host: required(str({ nonEmpty: true })),
            certName: required(str()),
            verify: required(bool),
            force: required(bool),
          }),
        ),
      ),
      certVerify: optional(bool),
      forceSsl: optional(bool),
    }),
  ),
})

export const driverDefaultsSchema = object({
  driverPath: optional(str({ nonEmpty: true })),
  user: optional(str({ nonEmpty: true })),
  group: optional(str({ nonEmpty: true })),
  chroot: optional(str({ nonEmpty: true })),
  maxStartDelay: optional(duration()),
  maxRetry: optional(int({ min: 0 })),
  retryDelay: optional(duration()),
  pollInterval: optional(duration({ min: 100 })),
  noWait: optional(bool),
  synchronous: optional(oneOf(['yes', 'no', 'auto'])),
  debugMin: optional(int({ min: 0 })),
})

/** An http:// or https:// URL. */
const httpUrl: Validator<string> = (node, path, ctx) => {
  const v = str({ nonEmpty: true })(node, path, ctx)
  if (v === undefined) return undefined
  let ok = false
  try {
    const url = new URL(v)
    ok = url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    ok = false
  }
  if (!ok) {
    report(
      ctx,
      node,
      path,
      'bad-value',
      `'${v}' is not an http(s) URL`,
      'write e.g. https://hooks.example.com/ups',
    )
    return undefined
  }
  return v
}

/** Kept as written until the integrations are built. */
const anyMapping: Validator<Record<string, unknown>> = (node, path, ctx) => {
  if (node === null || (isScalar(node) && node.value === null)) return {}
  let v: unknown
  try {
    v = ctx.doc === undefined ? node.toJSON() : node.toJS(ctx.doc)
  } catch (error) {
    // The yaml library throws on an alias bomb ("billion laughs"): refuse, never throw.
    const why = error instanceof Error ? error.message : String(error)
    report(ctx, node, path, 'bad-value', `cannot be read: ${why}`, 'use fewer aliases (*name)')
    return undefined
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    report(
      ctx,
      node,
      path,
      'bad-type',
      'expected a mapping',
      'write integrations: { name: { ... } }',
    )
    return undefined
  }
  return v as Record<string, unknown>
}

export const rootSchema = object(
  {
    server: optional(serverSchema),
    devices: optional(list(deviceSchema)),
    users: optional(list(userSchema)),
    monitor: optional(monitorSchema),
    rules: optional(
      object({
        files: required(list(str({ nonEmpty: true }))),
        notifyWebhooks: optional(list(httpUrl)),
      }),
    ),
    driverDefaults: optional(driverDefaultsSchema),
    integrations: optional(anyMapping),
  },
  // Top-level `x-...` keys hold anchors to share (`x-password: &pw "..."`).
  { extensions: true },
)
