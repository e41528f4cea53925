/**
 * One entry point for every configuration source: a native YAML file, a NUT config
 * directory, or (for checking) a single NUT file. Never throws.
 */
import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import {
  type ConfigDiagnostic,
  parseUpsConf,
  parseUpsdConf,
  parseUpsdUsers,
  parseUpsmonConf,
  parseUpsschedConf,
} from '../protocol/nut-config/index.ts'
import { checkSystem, escalate, type Locator, type SystemCheckOptions } from './check-system.ts'
import type { LoadResult } from './from-nut.ts'
import { loadNutConfigDir } from './nut-dir.ts'
import { nutLocator } from './nut-locator.ts'
import type { BrokerConfig } from './types.ts'

export type { LoadResult }

/** The YAML reader (with the yaml and zod libraries) is loaded only for a YAML config. */
const yamlReader = () => import('./yaml-load.ts')

const singleFileReaders: Record<
  string,
  (text: string, file: string) => { diagnostics: ConfigDiagnostic[] }
> = {
  'ups.conf': parseUpsConf,
  'upsd.conf': parseUpsdConf,
  'upsd.users': parseUpsdUsers,
  'upsmon.conf': parseUpsmonConf,
  'upssched.conf': parseUpsschedConf,
}

/** Loads a YAML file or a NUT config directory into a BrokerConfig. */
export async function loadConfig(
  path: string,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<LoadResult<BrokerConfig>> {
  let isDir = false
  try {
    isDir = (await stat(path)).isDirectory()
  } catch {
    // A missing path is reported by the YAML reader.
  }
  return isDir
    ? loadNutConfigDir(path, options)
    : (await yamlReader()).loadYamlConfig(path, options)
}

export interface CheckResult {
  kind: 'yaml' | 'nut-dir' | 'nut-file'
  diagnostics: ConfigDiagnostic[]
  config?: BrokerConfig
  /** Where the parts of `config` are written (for the checks that need the host). */
  locator?: Locator
}

/**
 * What `nutshell config check` checks: a directory is a NUT config directory, a file named
 * like one of NUT's files is read by that file's reader alone, anything else is YAML.
 */
export async function checkConfig(
  path: string,
  options: { env?: NodeJS.ProcessEnv; system?: SystemCheckOptions } = {},
): Promise<CheckResult> {
  let isDir = false
  try {
    isDir = (await stat(path)).isDirectory()
  } catch {
    // handled below as a missing file
  }
  if (isDir) {
    const r = await loadNutConfigDir(path, options)
    const diagnostics = escalate(r.diagnostics)
    if (!r.ok) return { kind: 'nut-dir', diagnostics }
    const locator = await nutLocator(path)
    return withSystemChecks(
      { kind: 'nut-dir', diagnostics, config: r.value, locator },
      options.system,
    )
  }
  const name = basename(path)
  const reader = Object.hasOwn(singleFileReaders, name) ? singleFileReaders[name] : undefined
  if (reader !== undefined) {
    try {
      return {
        kind: 'nut-file',
        diagnostics: escalate(reader(await readFile(path, 'utf8'), path).diagnostics),
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      return {
        kind: 'nut-file',
        diagnostics: [
          {
            severity: 'error',
            code: code === 'ENOENT' ? 'file-missing' : 'file-unreadable',
            file: path,
            line: 0,
            column: 0,
            message: `cannot read the file (${code ?? String(error)})`,
          },
        ],
      }
    }
  }
  const r = await (await yamlReader()).loadYamlConfig(path, options)
  if (!r.ok) return { kind: 'yaml', diagnostics: r.diagnostics }
  const locator: Locator = {
    listen: (i) => r.locate(['server', 'listen', i]),
    monitor: (i) => r.locate(['monitor', 'monitors', i, 'system']),
    monitorSection: () => r.locate(['monitor'], { key: true }),
    devicePort: (i) => r.locate(['devices', i, 'port']),
    secretFiles: () => [path],
  }
  return withSystemChecks(
    { kind: 'yaml', diagnostics: r.diagnostics, config: r.value, locator },
    options.system,
  )
}

async function withSystemChecks(
  r: CheckResult & { config: BrokerConfig; locator: Locator },
  options: SystemCheckOptions = {},
): Promise<CheckResult> {
  const more = await checkSystem(r.config, r.locator, options)
  return { ...r, diagnostics: [...r.diagnostics, ...more] }
}
