/**
 * `nutshell helper --check`: which power roads and confinement tools this host has, and
 * what each would do (docs/privilege.md). Read-only: it asks logind's Can* methods (which
 * start nothing), stats paths, and looks for programs; it never opens initctl for writing.
 */
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { defaultHelperSocketPath } from '../../config/schema/power-road.ts'
import { systemClock } from '../../core/clock.ts'
import { openBus } from '../../dbus/bus.ts'
import { type CanResult, canDo, type LogindOperation } from '../../dbus/login1.ts'
import { initctlPaths } from './initctl.ts'

export interface RoadReport {
  /** bubblewrap, permission-model, logind, initctl, helper-socket, command. */
  name: string
  available: boolean
  /** What was found, one fact a line. */
  facts: string[]
  /** What choosing it would do. */
  wouldDo: string
}

export interface CheckOptions {
  busAddress?: string | undefined
  initctlPaths?: readonly string[]
  socketPath?: string
  /** Directories searched for programs (default $PATH plus the usual system ones). */
  searchPath?: readonly string[]
}

async function findProgram(name: string, dirs: readonly string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    const path = join(dir, name)
    try {
      await access(path, constants.X_OK)
      return path
    } catch {
      // not here
    }
  }
  return undefined
}

export async function checkRoads(options: CheckOptions = {}): Promise<RoadReport[]> {
  const dirs = options.searchPath ?? [
    ...(process.env['PATH'] ?? '').split(':').filter((d) => d !== ''),
    '/usr/sbin',
    '/usr/bin',
    '/sbin',
    '/bin',
  ]
  return Promise.all([
    checkBubblewrap(dirs),
    checkPermissionModel(),
    checkLogind(options.busAddress, dirs),
    checkInitctl(options.initctlPaths ?? initctlPaths),
    checkHelperSocket(options.socketPath ?? defaultHelperSocketPath, dirs),
    Promise.resolve<RoadReport>({
      name: 'command',
      available: true,
      facts: ['always available'],
      wouldDo: 'runs SHUTDOWNCMD / the hibernate command itself (needs the rights they need)',
    }),
  ])
}

async function checkBubblewrap(dirs: readonly string[]): Promise<RoadReport> {
  const bwrap = await findProgram('bwrap', dirs)
  return {
    name: 'bubblewrap',
    available: bwrap !== undefined,
    facts: [bwrap === undefined ? 'bwrap not found (Debian: apt install bubblewrap)' : `${bwrap}`],
    wouldDo:
      bwrap === undefined
        ? 'the helper starts its child without a mount/PID jail (permission model only)'
        : 'the helper starts its child in a read-only, own-PID/IPC-namespace jail',
  }
}

async function checkPermissionModel(): Promise<RoadReport> {
  const flag = process.allowedNodeEnvironmentFlags.has('--experimental-permission')
    ? '--experimental-permission'
    : process.allowedNodeEnvironmentFlags.has('--permission')
      ? '--permission'
      : undefined
  return {
    name: 'permission-model',
    available: flag !== undefined,
    facts: [`node ${process.version}`, flag === undefined ? 'no permission model' : `${flag}`],
    wouldDo:
      flag === undefined
        ? 'the child runs without Node permission limits'
        : 'the child reads only the installed code and its configuration, spawns nothing',
  }
}

async function checkLogind(
  busAddress: string | undefined,
  dirs: readonly string[],
): Promise<RoadReport> {
  const bus = await openBus({ address: busAddress, clock: systemClock, timeoutMs: 3000 })
  const answers: Array<[LogindOperation, CanResult]> = []
  try {
    for (const operation of ['power-off', 'hibernate', 'suspend'] as const)
      answers.push([operation, await canDo(bus, operation)])
  } finally {
    bus.close()
  }
  const first = answers[0]?.[1]
  const reachable = first?.ok === true
  const facts = reachable
    ? answers.map(([operation, r]) => `${operation}: ${r.ok ? r.answer : r.error}`)
    : [`logind not reachable on the system bus${first?.ok === false ? ` (${first.error})` : ''}`]
  const inhibit = await findProgram('systemd-inhibit', dirs)
  facts.push(
    inhibit === undefined
      ? 'systemd-inhibit not found: no delay lock'
      : `delay lock through ${inhibit}`,
  )
  const powerOff = answers.find(([operation]) => operation === 'power-off')?.[1]
  const granted = powerOff?.ok === true && powerOff.answer === 'yes'
  return {
    name: 'logind',
    available: reachable,
    facts,
    wouldDo: !reachable
      ? 'cannot be used here'
      : granted
        ? 'PowerOff/Hibernate/Suspend(false) through logind, polkit allowing this user'
        : 'PowerOff(false) would be refused by polkit for this user: install the rule in docs/privilege.md',
  }
}

async function checkInitctl(paths: readonly string[]): Promise<RoadReport> {
  const facts: string[] = []
  let found: string | undefined
  for (const path of paths) {
    try {
      const info = await stat(path)
      facts.push(`${path}: ${info.isFIFO() ? 'a FIFO' : 'present but not a FIFO'}`)
      if (info.isFIFO() && found === undefined) found = path
    } catch {
      facts.push(`${path}: absent`)
    }
  }
  return {
    name: 'initctl',
    available: found !== undefined,
    facts,
    wouldDo:
      found === undefined
        ? 'cannot be used here (no sysvinit or systemd-initctl FIFO)'
        : `opens ${found} while root, keeps it, writes the 384-byte runlevel 0 request at shutdown`,
  }
}

async function checkHelperSocket(path: string, dirs: readonly string[]): Promise<RoadReport> {
  const ss = await findProgram('ss', dirs)
  const facts = [
    ss === undefined
      ? 'ss (iproute2) not found: peers cannot be checked'
      : `peer check through ${ss}`,
  ]
  let listening = false
  try {
    const info = await stat(path)
    listening = info.isSocket()
    facts.push(
      `${path}: ${listening ? 'a socket' : 'not a socket'}, uid ${info.uid} gid ${info.gid} mode ${(info.mode & 0o777).toString(8)}`,
    )
  } catch {
    facts.push(`${path}: absent (no helper listening there now)`)
  }
  return {
    name: 'helper-socket',
    available: ss !== undefined,
    facts,
    wouldDo: 'the monitor sends a shutdown frame to the helper, which runs its own SHUTDOWNCMD',
  }
}

/** The report as a person reads it. */
export function renderRoadReports(reports: readonly RoadReport[]): string {
  const lines: string[] = []
  for (const report of reports) {
    lines.push(`${report.available ? '[yes]' : '[no] '} ${report.name}`)
    for (const fact of report.facts) lines.push(`        ${fact}`)
    lines.push(`        -> ${report.wouldDo}`)
  }
  return `${lines.join('\n')}\n`
}
