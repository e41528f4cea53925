/**
 * What the privileged helper reads at start, itself, and never from the pipe: the power
 * and NOTIFYCMD settings it alone carries out, the user its child runs as, and the
 * configuration it hands the child with those settings taken out (the child cannot read
 * the helper's files: the jail hides them).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LoadResult } from '../config/from-nut.ts'
import { loadConfig } from '../config/load.ts'
import { configFromNutFiles, loadNutConfigDir } from '../config/nut-dir.ts'
import type { BrokerConfig, CommandSpec, MonitorConfig, NotifyFlag } from '../config/types.ts'

export interface HelperSettings {
  shutdownCommand?: CommandSpec | undefined
  hibernateCommand?: CommandSpec | undefined
  powerDownFlag?: string | undefined
  notifyCommand?: CommandSpec | undefined
  notifyFlags: Readonly<Record<string, readonly NotifyFlag[]>>
  notifyMessages: Readonly<Record<string, string>>
  /** The MONITOR system strings: the only UPS names a notify frame may carry. */
  systems: ReadonlySet<string>
  /** RUN_AS_USER / `runAsUser:`: who the child runs as. */
  user: string | undefined
}

export interface HelperConfig {
  settings: HelperSettings
  /** The child's configuration: the helper's, without what only the helper may do. */
  child: BrokerConfig
  /** Files the child must read besides the code (dummy-ups data, rules files). */
  childReads: string[]
}

export interface HelperSources {
  nutConfPath?: string | undefined
  configFile?: string | undefined
  /** `--monitor`: only upsmon.conf (or the monitor section) matters. */
  monitorOnly: boolean
}

export async function loadHelperConfig(sources: HelperSources): Promise<LoadResult<HelperConfig>> {
  const loaded = await loadBrokerConfig(sources)
  if (!loaded.ok) return loaded
  const monitor = loaded.value.monitor
  const settings: HelperSettings = {
    shutdownCommand: monitor?.shutdownCommand,
    hibernateCommand: monitor?.hibernateCommand,
    powerDownFlag: monitor?.powerDownFlag,
    notifyCommand: monitor?.notifyCommand,
    notifyFlags: monitor?.notifyFlags ?? {},
    notifyMessages: monitor?.notifyMessages ?? {},
    systems: new Set(monitor?.monitors.map((m) => m.system) ?? []),
    user: monitor?.runAsUser,
  }
  const child: BrokerConfig = { ...loaded.value }
  if (monitor !== undefined) child.monitor = childMonitor(monitor)
  const childReads = [
    ...loaded.value.devices.filter((d) => d.driver === 'dummy-ups').map((d) => d.port),
    ...(loaded.value.rules?.files ?? []),
  ].map((p) => (p.startsWith('/') ? p : join(loaded.value.configDir, p)))
  return { ok: true, value: { settings, child, childReads }, diagnostics: loaded.diagnostics }
}

function childMonitor(monitor: MonitorConfig): MonitorConfig {
  const {
    shutdownCommand: _s,
    hibernateCommand: _h,
    notifyCommand: _n,
    powerDownFlag: _p,
    runAsUser: _u,
    ...rest
  } = monitor
  return rest
}

async function loadBrokerConfig(sources: HelperSources): Promise<LoadResult<BrokerConfig>> {
  if (sources.configFile !== undefined) return loadConfig(sources.configFile)
  const dir = sources.nutConfPath ?? process.env['NUT_CONFPATH'] ?? '/etc/nut'
  if (!sources.monitorOnly) return loadNutConfigDir(dir)
  const file = join(dir, 'upsmon.conf')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const message = `cannot read ${file}: ${(error as Error).message}`
    return {
      ok: false,
      diagnostics: [
        { severity: 'error', code: 'file-unreadable', file, line: 0, column: 0, message },
      ],
    }
  }
  // A monitor needs no devices: only upsmon.conf is read.
  const empty = { 'ups.conf': '', 'upsd.conf': 'ALLOW_NO_DEVICE true\n', 'upsd.users': '' }
  return configFromNutFiles({ ...empty, 'upsmon.conf': text }, dir, process.env)
}
