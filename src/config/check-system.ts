/**
 * `nutshell config check` across files: what each file's reader cannot see alone, and what
 * would stop the system or silently disarm it. Severity here is about the system, not the
 * file: a misspelt SHUTDOWNCMD is only "unknown directive" to upsmon (it carries on), but
 * it leaves the machine without a shutdown, so the check makes it an error.
 *
 * Errors: a MONITOR of this server naming a device that does not exist, or a user and
 * password upsd.users would refuse; a monitor without a shutdown command; a misspelt
 * directive or key that loses a safety setting or a device. Warnings: a LISTEN address
 * given twice (upsd 2.8.0 serves on what it could bind, and so does nutshell), a file that
 * holds passwords and is readable by other users (upsd warns about upsd.users too).
 */
import { lookup } from 'node:dns/promises'
import { stat } from 'node:fs/promises'
import { isIP } from 'node:net'
import type { ConfigDiagnostic, DiagnosticCode } from '../protocol/nut-config/index.ts'
import type { BrokerConfig } from './types.ts'

export interface Where {
  file: string
  line: number
  column: number
}

/** Where the parts of a configuration are written, whichever format it is. */
export interface Locator {
  listen(index: number): Where
  monitor(index: number): Where
  /** Where the monitor is configured (upsmon.conf, or the YAML `monitor:` key). */
  monitorSection(): Where
  /** Where device `index`'s port (its data file) is named. */
  devicePort(index: number): Where
  /** Files holding passwords (upsd.users; the YAML file). */
  secretFiles(): string[]
}

/** upsmon.conf directives whose loss disarms the monitor, by the did-you-mean that names them. */
const safetyDirectives = new Set(['SHUTDOWNCMD', 'POWERDOWNFLAG', 'MONITOR', 'MINSUPPLIES'])
/** ups.conf keys without which upsd skips the device. */
const deviceKeys = new Set(['driver', 'port'])

/** The word a "did you mean 'x'?" advice names. */
export function suggestionIn(advice: string | undefined): string | undefined {
  return /did you mean '([^']+)'/i.exec(advice ?? '')?.[1]
}

const fileName = (path: string): string => path.slice(path.lastIndexOf('/') + 1)

/**
 * The readers' diagnostics with system severity: misspellings that lose a safety setting or
 * a device become errors, saying what is lost.
 */
export function escalate(diagnostics: readonly ConfigDiagnostic[]): ConfigDiagnostic[] {
  return diagnostics.map((d) => {
    const name = fileName(d.file)
    const guess = suggestionIn(d.advice)
    if (
      d.severity === 'warning' &&
      d.code === 'unknown-directive' &&
      name === 'upsmon.conf' &&
      guess !== undefined &&
      safetyDirectives.has(guess)
    ) {
      return {
        ...d,
        severity: 'error',
        message: `${d.message.replace(/; ignored.*$/, '')}: upsmon ignores the line, so ${guess} is not set and the monitor runs without it`,
      }
    }
    if (d.severity === 'warning' && name === 'ups.conf') {
      if (d.code === 'unknown-key' && guess !== undefined && deviceKeys.has(guess)) {
        return {
          ...d,
          severity: 'error',
          message: `${d.message}; without ${guess} upsd skips the device`,
        }
      }
      if (d.code === 'missing-setting') return { ...d, severity: 'error' }
    }
    return d
  })
}

type Resolve = (host: string) => Promise<string[]>

const resolveHost: Resolve = async (host) => {
  if (isIP(host) !== 0) return [host]
  try {
    return (await lookup(host, { all: true })).map((a) => a.address)
  } catch {
    return []
  }
}

const loopback = new Set(['localhost', '127.0.0.1', '::1'])

function diag(
  severity: ConfigDiagnostic['severity'],
  code: DiagnosticCode,
  at: Where,
  message: string,
  advice?: string,
): ConfigDiagnostic {
  const d: ConfigDiagnostic = { severity, code, ...at, message }
  if (advice !== undefined) d.advice = advice
  return d
}

async function duplicateListeners(
  config: BrokerConfig,
  where: Locator,
  resolve: Resolve,
): Promise<ConfigDiagnostic[]> {
  const out: ConfigDiagnostic[] = []
  const seen: { host: string; port: number; addresses: string[] }[] = []
  for (const [i, l] of config.server.listen.entries()) {
    if (l.optional === true) continue
    const addresses = await resolve(l.host)
    const earlier = seen.find(
      (s) =>
        s.port === l.port && (s.host === l.host || s.addresses.some((a) => addresses.includes(a))),
    )
    if (earlier !== undefined) {
      const same = earlier.host === l.host
      out.push(
        diag(
          'warning',
          'duplicate',
          where.listen(i),
          same
            ? `${l.host} port ${l.port} is listed twice`
            : `${l.host} is ${addresses.join(', ')} here, already listed as ${earlier.host}, port ${l.port}`,
          'upsd 2.8.0 and nutshell serve on what they could bind and say the rest failed; keep one',
        ),
      )
    } else seen.push({ host: l.host, port: l.port, addresses })
  }
  return out
}

function monitorChecks(config: BrokerConfig, where: Locator): ConfigDiagnostic[] {
  const out: ConfigDiagnostic[] = []
  const monitor = config.monitor
  if (monitor === undefined) return out
  if (monitor.shutdownCommand === undefined) {
    out.push(
      diag(
        'error',
        'missing-setting',
        where.monitorSection(),
        'a monitor is configured but no shutdown command: when the power runs out, nothing shuts this machine down',
        config.source.kind === 'nut'
          ? 'add SHUTDOWNCMD "/sbin/shutdown -h +0" to upsmon.conf'
          : 'add shutdownCommand: ["/sbin/shutdown", "-h", "+0"] under monitor:',
      ),
    )
  }
  const ports = new Set(config.server.listen.map((l) => l.port))
  const hosts = new Set([...loopback, ...config.server.listen.map((l) => l.host)])
  for (const [i, m] of monitor.monitors.entries()) {
    // Only a MONITOR of this very server can be checked against its devices and users.
    if (!hosts.has(m.host) || !ports.has(m.port)) continue
    const at = where.monitor(i)
    if (!config.devices.some((d) => d.name.toLowerCase() === m.ups.toLowerCase())) {
      out.push(
        diag(
          'error',
          'bad-value',
          at,
          `${m.system}: this server has no device '${m.ups}'; the monitor would never see it`,
          config.devices.length === 0
            ? 'define the device'
            : `devices here: ${config.devices.map((d) => d.name).join(', ')}`,
        ),
      )
    }
    const user = config.users.find((u) => u.name === m.user)
    const need = m.role === 'primary' ? 'PRIMARY' : 'LOGIN'
    const problem =
      user === undefined
        ? `user '${m.user}' is not defined`
        : user.password !== m.password
          ? `the password for '${m.user}' does not match`
          : !user.actions.includes(need)
            ? `user '${m.user}' may not ${m.role === 'primary' ? 'be a primary' : 'log in'}`
            : undefined
    if (problem !== undefined) {
      out.push(
        diag(
          'error',
          'bad-value',
          at,
          `${m.system}: ${problem}, so this server would refuse the monitor's login`,
          `give the user ${m.role === 'primary' ? 'upsmon primary' : 'upsmon secondary'} and the same password in both places`,
        ),
      )
    }
  }
  return out
}

async function permissionChecks(config: BrokerConfig, where: Locator): Promise<ConfigDiagnostic[]> {
  const out: ConfigDiagnostic[] = []
  const holdsPasswords =
    config.users.some((u) => u.password !== undefined) || (config.monitor?.monitors.length ?? 0) > 0
  if (!holdsPasswords) return out
  for (const file of where.secretFiles()) {
    let mode: number
    try {
      mode = (await stat(file)).mode
    } catch {
      continue
    }
    if ((mode & 0o004) !== 0) {
      out.push(
        diag(
          'warning',
          'insecure-permissions',
          { file, line: 0, column: 0 },
          'the file holds passwords and every user of this machine can read it',
          `chmod 640 ${file} (readable by its owner and group only)`,
        ),
      )
    }
  }
  return out
}

export interface SystemCheckOptions {
  resolve?: Resolve
  /** Whether to look at file permissions (off for fixtures whose mode depends on the checkout). */
  permissions?: boolean
}

export async function checkSystem(
  config: BrokerConfig,
  where: Locator,
  options: SystemCheckOptions = {},
): Promise<ConfigDiagnostic[]> {
  return [
    ...(await duplicateListeners(config, where, options.resolve ?? resolveHost)),
    ...monitorChecks(config, where),
    ...(options.permissions === false ? [] : await permissionChecks(config, where)),
  ]
}

/** A one-line account of what a configuration holds, for `config check`. */
export function summarise(config: BrokerConfig): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`
  const monitor = config.monitor
  const parts = [
    n(config.devices.length, 'device'),
    n(config.server.listen.filter((l) => l.optional !== true).length, 'listener'),
    n(config.users.length, 'user'),
    monitor === undefined
      ? 'no monitor'
      : `monitor of ${n(monitor.monitors.length, 'system')}${monitor.shutdownCommand === undefined ? '' : ' with a shutdown command'}`,
    config.rules === undefined ? 'no rules' : n(config.rules.files.length, 'rules file'),
  ]
  return parts.join(', ')
}
