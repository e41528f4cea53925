/**
 * Maps the validated native config (yaml-schema.ts) onto BrokerConfig's parts, filling in
 * the same defaults NUT's files get.
 */
import type { z } from 'zod'
import { defaultUpsmonConf } from '../protocol/nut-config/index.ts'
import { defaultListen, monitorFromUpsmonConf, nutDefaults, resolveConfigPath } from './from-nut.ts'
import {
  type DeviceConfig,
  type DriverDefaults,
  defaultServerLimits,
  type MonitorConfig,
  type MonitorTlsConfig,
  type ServerConfig,
  type UserAction,
  type UserConfig,
} from './types.ts'
import type {
  deviceSchema,
  driverDefaultsSchema,
  monitorSchema,
  serverSchema,
  userSchema,
} from './yaml-schema.ts'

/** What a schema gives when the file is valid. */
export type Parsed<S extends z.ZodType> = Exclude<z.output<S>, undefined>

export function mapServer(
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

export function mapDevice(dev: Parsed<typeof deviceSchema>): DeviceConfig {
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

export function mapUser(u: Parsed<typeof userSchema>): UserConfig {
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

export function mapMonitor(m: Parsed<typeof monitorSchema>): MonitorConfig {
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
  if (m.hibernateCommand !== undefined) out.hibernateCommand = m.hibernateCommand
  if (m.powerRoad !== undefined) out.powerRoad = m.powerRoad
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
  if (m.pollFailLogThrottleMax !== undefined) out.pollFailLogThrottleMax = m.pollFailLogThrottleMax
  if (m.debugMin !== undefined) out.debugMin = m.debugMin
  if (m.tls !== undefined) {
    const tls: MonitorTlsConfig = {}
    if (m.tls.certPath !== undefined) tls.certPath = m.tls.certPath
    if (m.tls.certIdent !== undefined) tls.certIdent = { ...m.tls.certIdent }
    if (m.tls.certHosts !== undefined) tls.certHosts = m.tls.certHosts.map((h) => ({ ...h }))
    if (m.tls.certVerify !== undefined) tls.certVerify = m.tls.certVerify
    if (m.tls.forceSsl !== undefined) tls.forceSsl = m.tls.forceSsl
    if (Object.keys(tls).length > 0) out.tls = tls
  }
  return out
}

export function mapDriverDefaults(d: Parsed<typeof driverDefaultsSchema>): DriverDefaults {
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
