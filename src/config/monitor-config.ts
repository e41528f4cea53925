/**
 * The configuration of `nutshell monitor` (docs/monitor.md): upsmon.conf, or the monitor
 * section of the native YAML file, and for `--local` the devices of ups.conf, watched
 * through their drivers' sockets. Nothing here prints: diagnostics are returned for the
 * command to show, and a problem that stops the monitor is a NutshellError in the result.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describeSystemError, NutshellError } from '../core/errors.ts'
import {
  type ConfigDiagnostic,
  hasErrors,
  parseUpsConf,
  parseUpsmonConf,
} from '../protocol/nut-config/index.ts'
import { configFailure } from './config-failure.ts'
import { monitorFromUpsmonConf, nutDefaults } from './from-nut.ts'
import { loadConfig } from './load.ts'
import {
  type BrokerConfig,
  type DeviceConfig,
  defaultServerLimits,
  type MonitorConfig,
  type MonitoredUps,
} from './types.ts'

export type MonitorLoad<T> =
  | { ok: true; value: T; diagnostics: ConfigDiagnostic[] }
  | { ok: false; error: NutshellError; diagnostics: ConfigDiagnostic[] }

export interface MonitorSettings {
  monitor: MonitorConfig
  /** The YAML file's rules files, then those given on the command line. */
  ruleFiles: string[]
  notifyWebhooks: string[]
}

export interface MonitorSources {
  /** upsmon.conf to read (ignored with `yamlFile`). */
  upsmonFile: string
  /** nutshell's YAML file: its monitor and rules sections. */
  yamlFile?: string | undefined
  /** --local: a missing upsmon.conf means "every default". */
  optional?: boolean
  /** `--rules FILE`, after the configuration's own. */
  extraRules?: readonly string[]
}

/** Reads the monitor's settings (for running, `-K` and `--test-notify`). */
export async function loadMonitorSettings(
  sources: MonitorSources,
): Promise<MonitorLoad<MonitorSettings>> {
  const extra = sources.extraRules ?? []
  if (sources.yamlFile !== undefined) {
    const file = sources.yamlFile
    const result = await loadConfig(file)
    const { diagnostics } = result
    if (!result.ok) return failed(configFailure(`${file} has errors`, diagnostics), diagnostics)
    const { monitor, rules } = result.value
    if (monitor === undefined)
      return failed(
        new NutshellError('NS_CONFIG_INVALID', `${file} has no monitor section`),
        diagnostics,
      )
    const ruleFiles = [...(rules?.files ?? []), ...extra]
    const notifyWebhooks = rules?.notifyWebhooks ?? []
    return { ok: true, value: { monitor, ruleFiles, notifyWebhooks }, diagnostics }
  }
  const file = sources.upsmonFile
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if (sources.optional !== true) return failed(readFailure(file, error), [])
    text = ''
  }
  const parsed = parseUpsmonConf(text, file)
  // Without MONITOR lines --local watches every ups.conf device: no "cannot reach MINSUPPLIES".
  const diagnostics = parsed.diagnostics.filter(
    (d) => !(sources.optional === true && d.code === 'insufficient-power'),
  )
  if (hasErrors(parsed.diagnostics)) {
    return failed(configFailure(`${file} has errors`, diagnostics), diagnostics)
  }
  const monitor = monitorFromUpsmonConf(parsed.conf)
  return { ok: true, value: { monitor, ruleFiles: [...extra], notifyWebhooks: [] }, diagnostics }
}

export interface MonitorTarget {
  /** NUT configuration directory (ups.conf for --local). */
  confDir: string
  /** --local: watch the drivers of ups.conf through their sockets in `statePath`. */
  local: boolean
  statePath: string
  /** For the "nothing to watch" message. */
  upsmonFile: string
  yamlFile?: string | undefined
}

/**
 * The monitor's settings as a BrokerConfig for the monitor modes: no listener, no users;
 * with --local, the devices of ups.conf (each attached to its driver's socket) and one
 * MONITOR entry per device.
 */
export async function monitorBrokerConfig(
  settings: MonitorSettings,
  target: MonitorTarget,
): Promise<MonitorLoad<BrokerConfig>> {
  const monitor: MonitorConfig = { ...settings.monitor }
  let devices: DeviceConfig[] = []
  let diagnostics: ConfigDiagnostic[] = []
  if (target.local) {
    const locals = await localMonitors(target.confDir, monitor.minSupplies, monitor.monitors)
    if (!locals.ok) return locals
    diagnostics = locals.diagnostics
    monitor.monitors = locals.value.map(({ driver: _, ...m }) => m)
    devices = locals.value.map((m) => ({
      name: m.ups,
      driver: m.driver,
      port: '',
      options: {},
      flags: [],
    }))
  }
  if (monitor.monitors.length === 0) {
    return failed(
      new NutshellError(
        'NS_CONFIG_INVALID',
        `${target.upsmonFile}: no MONITOR line: nothing to watch`,
      ),
      diagnostics,
    )
  }
  const config: BrokerConfig = {
    configDir: target.confDir,
    source:
      target.yamlFile === undefined
        ? { kind: 'nut', dir: target.confDir }
        : { kind: 'yaml', file: target.yamlFile },
    devices,
    server: {
      listen: [],
      maxAgeMs: nutDefaults.maxAgeS * 1000,
      trackingDelayMs: nutDefaults.trackingDelayS * 1000,
      statePath: target.statePath,
      limits: defaultServerLimits,
    },
    users: [],
    monitor,
    rules: { files: settings.ruleFiles, notifyWebhooks: settings.notifyWebhooks },
  }
  return { ok: true, value: config, diagnostics }
}

/**
 * --local: every ups.conf device, with the power value and role of a MONITOR line naming
 * it (any host), else power value 1 as primary (this monitor is the only one).
 */
async function localMonitors(
  confDir: string,
  minSupplies: number,
  fromMonitorLines: readonly MonitoredUps[],
): Promise<MonitorLoad<Array<MonitoredUps & { driver: string }>>> {
  const file = join(confDir, 'ups.conf')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    return failed(readFailure(file, error), [])
  }
  const parsed = parseUpsConf(text, file)
  const { diagnostics } = parsed
  if (hasErrors(diagnostics))
    return failed(configFailure(`${file} has errors`, diagnostics), diagnostics)
  const result: Array<MonitoredUps & { driver: string }> = []
  for (const section of parsed.conf.sections) {
    if (section.driver === undefined) continue
    const line = fromMonitorLines.find((m) => m.ups.toLowerCase() === section.name.toLowerCase())
    result.push({
      system: section.name,
      ups: section.name,
      host: 'localhost',
      port: 0,
      powerValue: line?.powerValue ?? 1,
      user: '',
      password: '',
      role: line?.role ?? 'primary',
      driver: section.driver,
    })
  }
  if (minSupplies > result.reduce((sum, m) => sum + m.powerValue, 0)) {
    return failed(
      new NutshellError('NS_CONFIG_INVALID', 'the devices of ups.conf cannot reach MINSUPPLIES'),
      diagnostics,
    )
  }
  return { ok: true, value: result, diagnostics }
}

function failed(
  error: NutshellError,
  diagnostics: ConfigDiagnostic[],
): { ok: false; error: NutshellError; diagnostics: ConfigDiagnostic[] } {
  return { ok: false, error, diagnostics }
}

function readFailure(file: string, error: unknown): NutshellError {
  return new NutshellError('NS_CONFIG_READ', `cannot read ${file}: ${describeSystemError(error)}`, {
    cause: error,
  })
}
