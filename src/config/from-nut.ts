/**
 * Maps NUT's parsed files onto BrokerConfig (pure: no file access). The file readers are
 * in protocol/nut-config; loading a directory is in nut-dir.ts.
 */
import { isAbsolute, resolve } from 'node:path'
import {
  type ConfigDiagnostic,
  isCompleteSection,
  type UpsConf,
  type UpsdConf,
  type UpsdUser,
  type UpsmonConf,
} from '../protocol/nut-config/index.ts'
import {
  type DeviceConfig,
  type DriverDefaults,
  defaultServerLimits,
  type ListenAddress,
  type MonitorConfig,
  type MonitorTlsConfig,
  type ServerConfig,
  type UserConfig,
} from './types.ts'

export const nutDefaults = {
  confPath: '/etc/nut',
  /** Debian's compiled-in state path. */
  statePath: '/run/nut',
  port: 3493,
  maxAgeS: 15,
  trackingDelayS: 3600,
} as const

/**
 * upsd listens on both loopback addresses when upsd.conf has no LISTEN line. A host
 * without IPv6 has no `::1`: that default is optional, so nutshell still starts there.
 */
export function defaultListen(): ListenAddress[] {
  return [
    { host: '127.0.0.1', port: nutDefaults.port },
    { host: '::1', port: nutDefaults.port, optional: true },
  ]
}

/** A relative path in a config file is taken relative to the config directory. */
export function resolveConfigPath(configDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(configDir, path)
}

export function devicesFromUpsConf(conf: UpsConf): DeviceConfig[] {
  const devices: DeviceConfig[] = []
  for (const section of conf.sections) {
    if (!isCompleteSection(section)) continue
    const device: DeviceConfig = {
      name: section.name,
      driver: section.driver,
      port: section.port,
      options: { ...section.options },
      flags: [...section.flags],
    }
    if (section.desc !== undefined) device.description = section.desc
    devices.push(device)
  }
  return devices
}

export function driverDefaultsFromUpsConf(conf: UpsConf): DriverDefaults {
  const g = conf.globals
  const out: DriverDefaults = {}
  if (g.driverPath !== undefined) out.driverPath = g.driverPath
  if (g.user !== undefined) out.user = g.user
  if (g.group !== undefined) out.group = g.group
  if (g.chroot !== undefined) out.chroot = g.chroot
  if (g.maxStartDelay !== undefined) out.maxStartDelayMs = g.maxStartDelay * 1000
  if (g.maxRetry !== undefined) out.maxRetry = g.maxRetry
  if (g.retryDelay !== undefined) out.retryDelayMs = g.retryDelay * 1000
  if (g.pollInterval !== undefined) out.pollIntervalMs = g.pollInterval * 1000
  if (g.noWait !== undefined) out.noWait = g.noWait
  if (g.synchronous !== undefined) out.synchronous = g.synchronous
  if (g.debugMin !== undefined) out.debugMin = g.debugMin
  return out
}

/**
 * The state path as upsd chooses it: upsd.conf STATEPATH, else ups.conf's (NUT master),
 * else NUT_STATEPATH, else the compiled default.
 */
export function statePathFor(
  configDir: string,
  upsd: UpsdConf,
  ups: UpsConf | undefined,
  env: NodeJS.ProcessEnv,
): string {
  const fromFile = upsd.statePath ?? ups?.globals.statePath
  if (fromFile !== undefined) return resolveConfigPath(configDir, fromFile)
  return env['NUT_STATEPATH'] ?? nutDefaults.statePath
}

export function serverFromUpsdConf(
  upsd: UpsdConf,
  configDir: string,
  statePath: string,
): ServerConfig {
  const listen =
    upsd.listen.length === 0
      ? defaultListen()
      : upsd.listen.map((l) => ({ host: l.host, port: l.port ?? nutDefaults.port }))
  const limits = { ...defaultServerLimits }
  if (upsd.maxConn !== undefined) limits.maxConnections = upsd.maxConn
  const ext = upsd.nutshell
  if (ext.idleTimeout !== undefined) limits.idleTimeoutMs = ext.idleTimeout * 1000
  if (ext.handshakeTimeout !== undefined) limits.handshakeTimeoutMs = ext.handshakeTimeout * 1000
  if (ext.maxLineLength !== undefined) limits.maxLineLength = ext.maxLineLength
  if (ext.maxConnPerAddress !== undefined) limits.maxConnectionsPerAddress = ext.maxConnPerAddress
  if (ext.maxOutputQueue !== undefined) limits.maxOutputQueueBytes = ext.maxOutputQueue
  const server: ServerConfig = {
    listen,
    maxAgeMs: (upsd.maxAge ?? nutDefaults.maxAgeS) * 1000,
    trackingDelayMs: (upsd.trackingDelay ?? nutDefaults.trackingDelayS) * 1000,
    statePath,
    limits,
  }
  if (upsd.certFile !== undefined) {
    server.tls = { certFile: resolveConfigPath(configDir, upsd.certFile) }
    if (ext.keyFile !== undefined) server.tls.keyFile = resolveConfigPath(configDir, ext.keyFile)
  }
  return server
}

export function usersFromUpsdUsers(users: readonly UpsdUser[]): UserConfig[] {
  return users.map((u) => {
    const user: UserConfig = {
      name: u.name,
      password: u.password,
      actions: [...u.actions],
      instcmds: [...u.instcmds],
    }
    if (u.upsmon !== undefined) user.upsmon = u.upsmon
    return user
  })
}

export function monitorFromUpsmonConf(conf: UpsmonConf): MonitorConfig {
  const ms = (s: number): number => s * 1000
  // Negative means "never" for these; keep one spelling of it.
  const msOrNever = (s: number): number => (s < 0 ? -1 : s * 1000)
  const monitor: MonitorConfig = {
    monitors: conf.monitors.map((m) => ({
      system: m.system,
      ups: m.ups,
      host: m.host,
      port: m.port,
      powerValue: m.powerValue,
      user: m.user,
      password: m.password,
      role: m.role,
    })),
    minSupplies: conf.minSupplies,
    notifyFlags: structuredClone(conf.notifyFlags),
    notifyMessages: { ...conf.notifyMessages },
    pollFreqMs: ms(conf.pollFreq),
    pollFreqAlertMs: ms(conf.pollFreqAlert),
    deadTimeMs: ms(conf.deadTime),
    hostSyncMs: ms(conf.hostSync),
    finalDelayMs: ms(conf.finalDelay),
    rbWarnTimeMs: ms(conf.rbWarnTime),
    noCommWarnTimeMs: ms(conf.noCommWarnTime),
    offDurationMs: msOrNever(conf.offDuration),
    overDurationMs: msOrNever(conf.overDuration),
    obLbDurationMs: ms(conf.obLbDuration),
    shutdownExit:
      typeof conf.shutdownExit === 'number' ? msOrNever(conf.shutdownExit) : conf.shutdownExit,
    defaultPolicy: true,
    alarmCritical: conf.alarmCritical,
    pollFailLogThrottleMax: conf.pollFailLogThrottleMax,
  }
  if (conf.shutdownCmd !== undefined) monitor.shutdownCommand = { shell: conf.shutdownCmd }
  if (conf.notifyCmd !== undefined) monitor.notifyCommand = { shell: conf.notifyCmd }
  if (conf.powerDownFlag !== undefined) monitor.powerDownFlag = conf.powerDownFlag
  if (conf.runAsUser !== undefined) monitor.runAsUser = conf.runAsUser
  if (conf.debugMin !== undefined) monitor.debugMin = conf.debugMin
  const tls: MonitorTlsConfig = {}
  if (conf.certPath !== undefined) tls.certPath = conf.certPath
  if (conf.certIdent !== undefined) tls.certIdent = { ...conf.certIdent }
  if (conf.certHosts.length > 0) tls.certHosts = conf.certHosts.map((h) => ({ ...h }))
  if (conf.certVerify !== undefined) tls.certVerify = conf.certVerify
  if (conf.forceSsl !== undefined) tls.forceSsl = conf.forceSsl
  if (Object.keys(tls).length > 0) monitor.tls = tls
  return monitor
}

/** The result of every loader: a config when there is no error, and every diagnostic. */
export type LoadResult<T> =
  | { ok: true; value: T; diagnostics: ConfigDiagnostic[] }
  | { ok: false; diagnostics: ConfigDiagnostic[] }
