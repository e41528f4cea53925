/**
 * The native config: one YAML file (`nutshell serve --config FILE`) holding devices,
 * server, users, monitor, rules, driver defaults and integrations. Parsed with source
 * positions kept, validated by yaml-schema.ts, mapped onto BrokerConfig. Never throws.
 */
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml'
import {
  type ConfigDiagnostic,
  defaultUpsmonConf,
  hasErrors,
} from '../protocol/nut-config/index.ts'
import {
  defaultListen,
  type LoadResult,
  monitorFromUpsmonConf,
  nutDefaults,
  resolveConfigPath,
} from './from-nut.ts'
import {
  type BrokerConfig,
  type DeviceConfig,
  type DriverDefaults,
  defaultServerLimits,
  type MonitorConfig,
  type ServerConfig,
  type UserAction,
  type UserConfig,
} from './types.ts'
import {
  type deviceSchema,
  type driverDefaultsSchema,
  type monitorSchema,
  rootSchema,
  type serverSchema,
  type userSchema,
} from './yaml-schema.ts'
import { type Ctx, report } from './yaml-validate.ts'

type Parsed<V> = V extends (...args: never[]) => infer R ? Exclude<R, undefined> : never
type Root = Parsed<typeof rootSchema>

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '')
}

function mapServer(
  s: Parsed<typeof serverSchema> | undefined,
  configDir: string,
  env: NodeJS.ProcessEnv,
): ServerConfig {
  const limits = { ...defaultServerLimits }
  const l = s?.limits
  if (l?.maxConnections !== undefined) limits.maxConnections = l.maxConnections
  if (l?.maxConnectionsPerAddress !== undefined)
    limits.maxConnectionsPerAddress = l.maxConnectionsPerAddress
  if (l?.idleTimeout !== undefined) limits.idleTimeoutMs = l.idleTimeout
  if (l?.handshakeTimeout !== undefined) limits.handshakeTimeoutMs = l.handshakeTimeout
  if (l?.maxLineLength !== undefined) limits.maxLineLength = l.maxLineLength
  if (l?.maxOutputQueueBytes !== undefined) limits.maxOutputQueueBytes = l.maxOutputQueueBytes
  const server: ServerConfig = {
    listen: s?.listen !== undefined && s.listen.length > 0 ? s.listen : defaultListen(),
    maxAgeMs: s?.maxAge ?? nutDefaults.maxAgeS * 1000,
    trackingDelayMs: s?.trackingDelay ?? nutDefaults.trackingDelayS * 1000,
    statePath:
      s?.statePath !== undefined
        ? resolveConfigPath(configDir, s.statePath)
        : (env['NUT_STATEPATH'] ?? nutDefaults.statePath),
    limits,
  }
  if (s?.tls !== undefined) {
    server.tls = { certFile: resolveConfigPath(configDir, s.tls.certFile) }
    if (s.tls.keyFile !== undefined)
      server.tls.keyFile = resolveConfigPath(configDir, s.tls.keyFile)
  }
  return server
}

function mapDevice(dev: Parsed<typeof deviceSchema>): DeviceConfig {
  const out: DeviceConfig = {
    name: dev.name,
    driver: dev.driver,
    port: dev.port,
    options: { ...(dev.options ?? {}) },
    flags: [...(dev.flags ?? [])],
  }
  if (dev.description !== undefined) out.description = dev.description
  return out
}

const actionOrder: readonly UserAction[] = ['SET', 'FSD', 'LOGIN', 'PRIMARY']

function mapUser(u: Parsed<typeof userSchema>): UserConfig {
  const actions = new Set<UserAction>()
  for (const a of u.actions ?? []) {
    const upper = a.toUpperCase()
    actions.add(upper === 'MASTER' ? 'PRIMARY' : (upper as UserAction))
  }
  const role = u.upsmon?.toLowerCase()
  const upsmon =
    role === 'primary' || role === 'master'
      ? 'primary'
      : role === undefined
        ? undefined
        : 'secondary'
  // As upsd: `upsmon primary` grants LOGIN, PRIMARY and FSD; `upsmon secondary` LOGIN.
  if (upsmon !== undefined) actions.add('LOGIN')
  if (upsmon === 'primary') {
    actions.add('PRIMARY')
    actions.add('FSD')
  }
  const user: UserConfig = {
    name: u.name,
    password: u.password,
    actions: actionOrder.filter((a) => actions.has(a)),
    instcmds: [...new Set((u.instcmds ?? []).map((c) => c.toLowerCase()))],
  }
  if (upsmon !== undefined) user.upsmon = upsmon
  return user
}

function mapMonitor(m: Parsed<typeof monitorSchema>): MonitorConfig {
  const out = monitorFromUpsmonConf(defaultUpsmonConf())
  out.monitors = (m.monitors ?? []).map((e) => ({
    system: e.system.system,
    ups: e.system.name.ups,
    host: e.system.name.host,
    port: e.system.name.port,
    powerValue: e.powerValue ?? 1,
    user: e.user,
    password: e.password,
    role:
      e.role.toLowerCase() === 'primary' || e.role.toLowerCase() === 'master'
        ? 'primary'
        : 'secondary',
  }))
  if (m.minSupplies !== undefined) out.minSupplies = m.minSupplies
  if (m.shutdownCommand !== undefined) out.shutdownCommand = m.shutdownCommand
  if (m.notifyCommand !== undefined) out.notifyCommand = m.notifyCommand
  if (m.notifyFlags !== undefined) out.notifyFlags = m.notifyFlags
  if (m.notifyMessages !== undefined) out.notifyMessages = m.notifyMessages
  if (m.pollFreq !== undefined) out.pollFreqMs = m.pollFreq
  if (m.pollFreqAlert !== undefined) out.pollFreqAlertMs = m.pollFreqAlert
  if (m.deadTime !== undefined) out.deadTimeMs = m.deadTime
  if (m.hostSync !== undefined) out.hostSyncMs = m.hostSync
  if (m.finalDelay !== undefined) out.finalDelayMs = m.finalDelay
  if (m.powerDownFlag !== undefined) out.powerDownFlag = m.powerDownFlag
  if (m.rbWarnTime !== undefined) out.rbWarnTimeMs = m.rbWarnTime
  if (m.noCommWarnTime !== undefined) out.noCommWarnTimeMs = m.noCommWarnTime
  if (m.offDuration !== undefined) out.offDurationMs = m.offDuration
  if (m.overDuration !== undefined) out.overDurationMs = m.overDuration
  if (m.obLbDuration !== undefined) out.obLbDurationMs = m.obLbDuration
  if (m.alarmCritical !== undefined) out.alarmCritical = m.alarmCritical
  if (m.shutdownExit !== undefined) out.shutdownExit = m.shutdownExit === 0 ? true : m.shutdownExit
  if (m.runAsUser !== undefined) out.runAsUser = m.runAsUser
  if (m.defaultPolicy !== undefined) out.defaultPolicy = m.defaultPolicy
  return out
}

function mapDriverDefaults(d: Parsed<typeof driverDefaultsSchema>): DriverDefaults {
  const out: DriverDefaults = {}
  if (d.driverPath !== undefined) out.driverPath = d.driverPath
  if (d.user !== undefined) out.user = d.user
  if (d.group !== undefined) out.group = d.group
  if (d.chroot !== undefined) out.chroot = d.chroot
  if (d.maxStartDelay !== undefined) out.maxStartDelayMs = d.maxStartDelay
  if (d.maxRetry !== undefined) out.maxRetry = d.maxRetry
  if (d.retryDelay !== undefined) out.retryDelayMs = d.retryDelay
  if (d.pollInterval !== undefined) out.pollIntervalMs = d.pollInterval
  if (d.noWait !== undefined) out.noWait = d.noWait
  if (d.synchronous !== undefined) out.synchronous = d.synchronous
  if (d.debugMin !== undefined) out.debugMin = d.debugMin
  return out
}

/** Checks across entries: unique device and user names, monitored systems. */
function crossCheck(root: Root, contents: YamlNode | null, ctx: Ctx): void {
  const itemNode = (key: string, i: number, field: string): YamlNode | null => {
    if (!isMap(contents)) return null
    const seq = contents.get(key, true)
    if (!isSeq(seq)) return null
    const item = seq.items[i]
    return isMap(item) ? ((item.get(field, true) as YamlNode | undefined) ?? item) : null
  }
  const devices = new Map<string, number>()
  root.devices?.forEach((d, i) => {
    const earlier = devices.get(d.name.toLowerCase())
    if (earlier !== undefined) {
      report(
        ctx,
        itemNode('devices', i, 'name'),
        `devices[${i}].name`,
        'duplicate',
        `device name '${d.name}' is already used by devices[${earlier}]`,
        'device names must differ case-insensitively',
      )
    } else devices.set(d.name.toLowerCase(), i)
  })
  const users = new Map<string, number>()
  root.users?.forEach((u, i) => {
    const earlier = users.get(u.name)
    if (earlier !== undefined) {
      report(
        ctx,
        itemNode('users', i, 'name'),
        `users[${i}].name`,
        'duplicate',
        `user '${u.name}' is already defined by users[${earlier}]`,
        'give each user one entry',
      )
    } else users.set(u.name, i)
    if (u.password === undefined) {
      report(
        ctx,
        itemNode('users', i, 'name'),
        `users[${i}]`,
        'no-password',
        `user '${u.name}' has no password and can never log in`,
        'add password: ...',
        'warning',
      )
    }
  })
  const monitor = root.monitor
  if (monitor?.monitors !== undefined && monitor.monitors.length > 0) {
    const total = monitor.monitors.reduce((sum, m) => sum + (m.powerValue ?? 1), 0)
    const minSupplies = monitor.minSupplies ?? 1
    if (total < minSupplies) {
      const node = isMap(contents)
        ? (contents.getIn(['monitor', 'monitors'], true) as YamlNode | null)
        : null
      report(
        ctx,
        node,
        'monitor.monitors',
        'insufficient-power',
        `the power values add up to ${total}, less than minSupplies ${minSupplies} (upsmon refuses to start with this)`,
        'raise powerValue or lower minSupplies',
        'warning',
      )
    }
  }
  const systems = new Map<string, number>()
  root.monitor?.monitors?.forEach((m, i) => {
    const earlier = systems.get(m.system.system)
    if (earlier !== undefined) {
      const node = isMap(contents)
        ? (contents.getIn(['monitor', 'monitors', i, 'system'], true) as YamlNode | null)
        : null
      report(
        ctx,
        node,
        `monitor.monitors[${i}].system`,
        'duplicate',
        `${m.system.system} is already monitored by monitor.monitors[${earlier}]`,
      )
    } else systems.set(m.system.system, i)
  })
}

/** Parses and validates the text of a native config file (pure apart from `env`). */
export function parseYamlConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): LoadResult<BrokerConfig> {
  const lineCounter = new LineCounter()
  const ctx: Ctx = { file, lineCounter, diagnostics: [] }
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  for (const [severity, list] of [
    ['error', doc.errors],
    ['warning', doc.warnings],
  ] as const) {
    for (const e of list) {
      const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0])
      const d: ConfigDiagnostic = {
        severity,
        code: 'syntax',
        file,
        line: pos.line,
        column: pos.col,
        message: `YAML: ${firstLine(e.message)}`,
      }
      if (e.code === 'DUPLICATE_KEY') d.advice = 'each key may appear once in a mapping'
      else if (e.code === 'TAB_AS_INDENT') d.advice = 'indent with spaces, not tabs'
      else d.advice = 'fix the YAML syntax at this position'
      ctx.diagnostics.push(d)
    }
  }
  if (doc.errors.length > 0) return { ok: false, diagnostics: ctx.diagnostics }
  const contents = (doc.contents as YamlNode | null) ?? null
  const root = rootSchema(contents, '', ctx)
  if (root !== undefined) crossCheck(root, contents, ctx)
  if (root === undefined || hasErrors(ctx.diagnostics))
    return { ok: false, diagnostics: ctx.diagnostics }

  const configDir = dirname(resolve(file))
  const config: BrokerConfig = {
    configDir,
    source: { kind: 'yaml', file: resolve(file) },
    devices: (root.devices ?? []).map(mapDevice),
    server: mapServer(root.server, configDir, env),
    users: (root.users ?? []).map(mapUser),
  }
  if (root.monitor !== undefined) config.monitor = mapMonitor(root.monitor)
  if (root.rules !== undefined) {
    config.rules = { files: root.rules.files.map((f) => resolveConfigPath(configDir, f)) }
  }
  if (root.driverDefaults !== undefined)
    config.driverDefaults = mapDriverDefaults(root.driverDefaults)
  if (root.integrations !== undefined) config.integrations = root.integrations
  return { ok: true, value: config, diagnostics: ctx.diagnostics }
}

/** Reads and checks a native config file. Never throws. */
export async function loadYamlConfig(
  file: string,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<LoadResult<BrokerConfig>> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return {
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          code: code === 'ENOENT' ? 'file-missing' : 'file-unreadable',
          file,
          line: 0,
          column: 0,
          message:
            code === 'ENOENT'
              ? 'the file does not exist'
              : `cannot read the file (${code ?? String(error)})`,
          advice: 'check the path and that this user may read it',
        },
      ],
    }
  }
  return parseYamlConfig(text, file, options.env)
}
