/**
 * A NUT configuration directory (NUT_CONFPATH) as a BrokerConfig: ups.conf, upsd.conf and
 * upsd.users as upsd reads them, and upsmon.conf when present (it turns the monitor on).
 *
 * As upsd 2.8.0 (observed): a missing ups.conf, upsd.conf or upsd.users is fatal (an empty
 * upsd.conf means "all defaults"); a directory whose ups.conf defines no complete device is
 * refused unless ALLOW_NO_DEVICE is set in upsd.conf or in the environment.
 */
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import {
  type ConfigDiagnostic,
  hasErrors,
  parseBool,
  parseUpsConf,
  parseUpsdConf,
  parseUpsdUsers,
  parseUpsmonConf,
  parseUpsschedConf,
  type UpsConf,
} from '../protocol/nut-config/index.ts'
import {
  devicesFromUpsConf,
  driverDefaultsFromUpsConf,
  type LoadResult,
  monitorFromUpsmonConf,
  nutDefaults,
  serverFromUpsdConf,
  statePathFor,
  usersFromUpsdUsers,
} from './from-nut.ts'
import type { BrokerConfig } from './types.ts'

export const nutFileNames = [
  'ups.conf',
  'upsd.conf',
  'upsd.users',
  'upsmon.conf',
  'upssched.conf',
] as const
export type NutFileName = (typeof nutFileNames)[number]
/** File contents by name; a missing name is a missing file. */
export type NutFiles = Partial<Record<NutFileName, string>>

/** The directory NUT reads: NUT_CONFPATH, else the compiled default /etc/nut. */
export function nutConfPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['NUT_CONFPATH']
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : nutDefaults.confPath
}

const required: Record<'ups.conf' | 'upsd.conf' | 'upsd.users', string> = {
  'ups.conf': 'it defines the devices',
  'upsd.conf': 'create an empty upsd.conf to use every default',
  'upsd.users': 'create an empty upsd.users if no one needs to log in',
}

/** Builds the config from file contents (pure; `dir` is for paths and messages). */
export function configFromNutFiles(
  files: NutFiles,
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): LoadResult<BrokerConfig> {
  const diagnostics: ConfigDiagnostic[] = []
  const path = (name: NutFileName): string => join(dir, name)
  for (const [name, advice] of Object.entries(required)) {
    if (files[name as NutFileName] === undefined) {
      diagnostics.push({
        severity: 'error',
        code: 'file-missing',
        file: path(name as NutFileName),
        line: 0,
        column: 0,
        message: `${name} is missing; upsd refuses to start without it`,
        advice,
      })
    }
  }
  let ups: UpsConf | undefined
  if (files['ups.conf'] !== undefined) {
    const r = parseUpsConf(files['ups.conf'], path('ups.conf'))
    ups = r.conf
    diagnostics.push(...r.diagnostics)
  }
  const upsd = parseUpsdConf(files['upsd.conf'] ?? '', path('upsd.conf'))
  diagnostics.push(...upsd.diagnostics)
  const users = parseUpsdUsers(files['upsd.users'] ?? '', path('upsd.users'))
  diagnostics.push(...users.diagnostics)
  const upsmon =
    files['upsmon.conf'] === undefined
      ? undefined
      : parseUpsmonConf(files['upsmon.conf'], path('upsmon.conf'))
  if (upsmon !== undefined) diagnostics.push(...upsmon.diagnostics)
  if (files['upssched.conf'] !== undefined) {
    diagnostics.push(
      ...parseUpsschedConf(files['upssched.conf'], path('upssched.conf')).diagnostics,
    )
  }

  const devices = ups === undefined ? [] : devicesFromUpsConf(ups)
  const envAllow = env['ALLOW_NO_DEVICE']
  const allowNoDevice =
    upsd.conf.allowNoDevice ?? (envAllow === undefined ? false : parseBool(envAllow) === true)
  if (ups !== undefined && devices.length === 0 && !allowNoDevice) {
    diagnostics.push({
      severity: 'error',
      code: 'no-devices',
      file: path('ups.conf'),
      line: 0,
      column: 0,
      message: 'no device with both driver and port is defined; upsd refuses to start',
      advice: 'add a [name] section with driver and port, or set ALLOW_NO_DEVICE true in upsd.conf',
    })
  }
  if (hasErrors(diagnostics)) return { ok: false, diagnostics }

  const configDir = resolve(dir)
  const statePath = statePathFor(configDir, upsd.conf, ups, env)
  const config: BrokerConfig = {
    configDir,
    source: { kind: 'nut', dir: configDir },
    devices,
    server: serverFromUpsdConf(upsd.conf, configDir, statePath),
    users: usersFromUpsdUsers(users.users),
  }
  if (ups !== undefined) {
    const defaults = driverDefaultsFromUpsConf(ups)
    if (Object.keys(defaults).length > 0) config.driverDefaults = defaults
  }
  if (upsmon !== undefined) config.monitor = monitorFromUpsmonConf(upsmon.conf)
  return { ok: true, value: config, diagnostics }
}

async function readIfPresent(
  file: string,
  diagnostics: ConfigDiagnostic[],
): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    diagnostics.push({
      severity: 'error',
      code: 'file-unreadable',
      file,
      line: 0,
      column: 0,
      message: `cannot read the file (${code ?? String(error)})`,
      advice: 'check the path and that this user may read it',
    })
    return undefined
  }
}

/**
 * Reads a NUT config directory (default: NUT_CONFPATH, else /etc/nut). Never throws:
 * unreadable files become diagnostics.
 */
export async function loadNutConfigDir(
  dir?: string,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<LoadResult<BrokerConfig>> {
  const env = options.env ?? process.env
  const base = dir ?? nutConfPath(env)
  const readErrors: ConfigDiagnostic[] = []
  const files: NutFiles = {}
  for (const name of nutFileNames) {
    const text = await readIfPresent(join(base, name), readErrors)
    if (text !== undefined) files[name] = text
  }
  const result = configFromNutFiles(files, base, env)
  if (readErrors.length === 0) return result
  // An unreadable file also shows up as "missing": keep only the precise message.
  const unreadable = new Set(readErrors.map((d) => d.file))
  const rest = result.diagnostics.filter(
    (d) => !(d.code === 'file-missing' && unreadable.has(d.file)),
  )
  return { ok: false, diagnostics: [...readErrors, ...rest] }
}
