/**
 * Writes a BrokerConfig as a native YAML file: `nutshell config convert /etc/nut` turns a
 * NUT directory into the one file nutshell prefers. Loading the output gives back the same
 * configuration (tested), apart from where relative paths point (see below).
 */
import { isAbsolute, resolve } from 'node:path'
import { stringify } from 'yaml'
import { defaultUpsmonConf } from '../protocol/nut-config/index.ts'
import { defaultListen, monitorFromUpsmonConf, nutDefaults } from './from-nut.ts'
import {
  type BrokerConfig,
  type CommandSpec,
  type DeviceConfig,
  defaultServerLimits,
  type MonitorConfig,
  type UserAction,
  type UserConfig,
} from './types.ts'

/** `15s`, `1500ms`, `never` for negatives: the YAML loader reads each back exactly. */
export function formatDuration(ms: number): string | number {
  if (ms < 0) return 'never'
  if (ms % 1000 === 0) return `${ms / 1000}s`
  return `${ms}ms`
}

const command = (spec: CommandSpec): string | string[] => ('shell' in spec ? spec.shell : spec.argv)

function device(d: DeviceConfig, configDir: string): Record<string, unknown> {
  // dummy-ups data files are relative to the config directory; the YAML file may live
  // elsewhere, so they are written as absolute paths. Other ports (auto, /dev/..., ups@host)
  // are not file names relative to anything and stay as written.
  const port =
    d.driver === 'dummy-ups' && !d.port.includes('@') && !isAbsolute(d.port)
      ? resolve(configDir, d.port)
      : d.port
  const out: Record<string, unknown> = { name: d.name, driver: d.driver, port }
  if (d.description !== undefined) out['description'] = d.description
  if (Object.keys(d.options).length > 0) out['options'] = { ...d.options }
  if (d.flags.length > 0) out['flags'] = [...d.flags]
  return out
}

function user(u: UserConfig): Record<string, unknown> {
  const implied = new Set<UserAction>(
    u.upsmon === 'primary'
      ? ['LOGIN', 'PRIMARY', 'FSD']
      : u.upsmon === 'secondary'
        ? ['LOGIN']
        : [],
  )
  const out: Record<string, unknown> = { name: u.name }
  if (u.password !== undefined) out['password'] = u.password
  const actions = u.actions.filter((a) => !implied.has(a))
  if (actions.length > 0) out['actions'] = actions
  if (u.instcmds.length > 0) out['instcmds'] = [...u.instcmds]
  if (u.upsmon !== undefined) out['upsmon'] = u.upsmon
  return out
}

function monitor(m: MonitorConfig): Record<string, unknown> {
  const d = monitorFromUpsmonConf(defaultUpsmonConf())
  const out: Record<string, unknown> = {}
  if (m.monitors.length > 0) {
    out['monitors'] = m.monitors.map((e) => ({
      system: e.system,
      powerValue: e.powerValue,
      user: e.user,
      password: e.password,
      role: e.role,
    }))
  }
  if (m.minSupplies !== d.minSupplies) out['minSupplies'] = m.minSupplies
  if (m.shutdownCommand !== undefined) out['shutdownCommand'] = command(m.shutdownCommand)
  if (m.hibernateCommand !== undefined) out['hibernateCommand'] = command(m.hibernateCommand)
  if (m.notifyCommand !== undefined) out['notifyCommand'] = command(m.notifyCommand)
  if (Object.keys(m.notifyFlags).length > 0) out['notifyFlags'] = structuredClone(m.notifyFlags)
  if (Object.keys(m.notifyMessages).length > 0) out['notifyMessages'] = { ...m.notifyMessages }
  const durations: [string, number, number][] = [
    ['pollFreq', m.pollFreqMs, d.pollFreqMs],
    ['pollFreqAlert', m.pollFreqAlertMs, d.pollFreqAlertMs],
    ['deadTime', m.deadTimeMs, d.deadTimeMs],
    ['hostSync', m.hostSyncMs, d.hostSyncMs],
    ['finalDelay', m.finalDelayMs, d.finalDelayMs],
    ['rbWarnTime', m.rbWarnTimeMs, d.rbWarnTimeMs],
    ['noCommWarnTime', m.noCommWarnTimeMs, d.noCommWarnTimeMs],
    ['offDuration', m.offDurationMs, d.offDurationMs],
    ['overDuration', m.overDurationMs, d.overDurationMs],
    ['obLbDuration', m.obLbDurationMs, d.obLbDurationMs],
  ]
  for (const [key, value, dflt] of durations) if (value !== dflt) out[key] = formatDuration(value)
  if (m.powerDownFlag !== undefined) out['powerDownFlag'] = m.powerDownFlag
  if (m.alarmCritical !== undefined && m.alarmCritical !== true)
    out['alarmCritical'] = m.alarmCritical
  if (m.shutdownExit !== true) {
    out['shutdownExit'] =
      typeof m.shutdownExit === 'number' ? formatDuration(m.shutdownExit) : m.shutdownExit
  }
  if (m.runAsUser !== undefined) out['runAsUser'] = m.runAsUser
  if (!m.defaultPolicy) out['defaultPolicy'] = false
  if (m.pollFailLogThrottleMax !== undefined && m.pollFailLogThrottleMax !== -1) {
    out['pollFailLogThrottleMax'] = m.pollFailLogThrottleMax
  }
  if (m.debugMin !== undefined) out['debugMin'] = m.debugMin
  if (m.tls !== undefined) out['tls'] = structuredClone(m.tls)
  return out
}

function server(config: BrokerConfig): Record<string, unknown> {
  const s = config.server
  const out: Record<string, unknown> = {}
  const dflt = defaultListen()
  const sameListen = JSON.stringify(s.listen) === JSON.stringify(dflt)
  if (!sameListen) {
    out['listen'] = s.listen.map((l) =>
      l.host.includes(':') ? `[${l.host}]:${l.port}` : `${l.host}:${l.port}`,
    )
  }
  if (s.maxAgeMs !== nutDefaults.maxAgeS * 1000) out['maxAge'] = formatDuration(s.maxAgeMs)
  if (s.trackingDelayMs !== nutDefaults.trackingDelayS * 1000) {
    out['trackingDelay'] = formatDuration(s.trackingDelayMs)
  }
  // The default stays unwritten, so NUT_STATEPATH keeps working with the converted file.
  if (s.statePath !== nutDefaults.statePath) out['statePath'] = s.statePath
  if (s.tls !== undefined) out['tls'] = { ...s.tls }
  const limits: Record<string, unknown> = {}
  const l = s.limits
  const dl = defaultServerLimits
  if (l.maxConnections !== dl.maxConnections) limits['maxConnections'] = l.maxConnections
  if (l.maxConnectionsPerAddress !== dl.maxConnectionsPerAddress) {
    limits['maxConnectionsPerAddress'] = l.maxConnectionsPerAddress
  }
  if (l.idleTimeoutMs !== dl.idleTimeoutMs) limits['idleTimeout'] = formatDuration(l.idleTimeoutMs)
  if (l.handshakeTimeoutMs !== dl.handshakeTimeoutMs) {
    limits['handshakeTimeout'] = formatDuration(l.handshakeTimeoutMs)
  }
  if (l.maxLineLength !== dl.maxLineLength) limits['maxLineLength'] = l.maxLineLength
  if (l.maxOutputQueueBytes !== dl.maxOutputQueueBytes) {
    limits['maxOutputQueueBytes'] = l.maxOutputQueueBytes
  }
  if (Object.keys(limits).length > 0) out['limits'] = limits
  return out
}

function driverDefaults(config: BrokerConfig): Record<string, unknown> | undefined {
  const d = config.driverDefaults
  if (d === undefined) return undefined
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(d)) {
    if (value === undefined) continue
    const yamlKey = key.endsWith('Ms') ? key.slice(0, -2) : key
    out[yamlKey] = key.endsWith('Ms') && typeof value === 'number' ? formatDuration(value) : value
  }
  return Object.keys(out).length > 0 ? out : undefined
}

/** The configuration as a native YAML document, with a header saying where it came from. */
export function configToYaml(config: BrokerConfig): string {
  const doc: Record<string, unknown> = { server: server(config) }
  if (config.devices.length > 0) {
    doc['devices'] = config.devices.map((d) => device(d, config.configDir))
  }
  if (config.users.length > 0) doc['users'] = config.users.map(user)
  if (config.monitor !== undefined) doc['monitor'] = monitor(config.monitor)
  if (config.rules !== undefined) {
    const rules: Record<string, unknown> = { files: [...config.rules.files] }
    if (config.rules.notifyWebhooks !== undefined) {
      rules['notifyWebhooks'] = [...config.rules.notifyWebhooks]
    }
    doc['rules'] = rules
  }
  const drivers = driverDefaults(config)
  if (drivers !== undefined) doc['driverDefaults'] = drivers
  const from =
    config.source.kind === 'nut' ? `the NUT directory ${config.source.dir}` : config.source.file
  return `# nutshell configuration, converted from ${from}.\n# Check it with: nutshell config check FILE\n${stringify(doc, { lineWidth: 0 })}`
}
