/**
 * What a `driver: script` device needs, from its DeviceConfig. Two forms:
 * - a device of a powerman.conf (`nutshell serve --powerman-conf`): options
 *   `powerman.conf` (the file) and `powerman.device` (the device line's name);
 * - a device of its own: `port` is where the device is (`host:port`, `/dev/ttyS0`,
 *   `"/usr/sbin/vpcd |&"`), options `script` (the `.dev` file), `specification` (its name;
 *   optional when the file holds one), `flags` (serial `9600,8n1`, TCP `quiet`), `plugs`
 *   (a hostlist of plug names; default every plug of the specification), `nodes` (a
 *   hostlist of names for those plugs, pairwise, shown as `outlet.N.desc`).
 * Common options: `pollinterval` (seconds between status reads, default 10), `dialect`
 * (`2.4`, default, or `2.3`: Debian 12's script selection).
 */
import { isAbsolute, join } from 'node:path'
import type { DeviceConfig } from '../../config/types.ts'
import { parseDeviceWhere, type Transport } from '../../protocol/powerman/device-where.ts'
import { expandHostlist } from '../../protocol/powerman/hostlist.ts'
import { loadPowermanFile } from '../../protocol/powerman/load-file.ts'
import { renderDiagnostics } from '../../protocol/powerman/render.ts'
import type { DevicePlug } from './device-engine.ts'
import { powermanSetup, specProgram } from './powerman-devices.ts'
import type { SpecProgram } from './program.ts'

export interface ScriptSetup {
  program: SpecProgram
  transport: Transport
  where: string
  plugs: DevicePlug[]
  pollIntervalMs: number
  dialect: '2.4' | '2.3'
  warnings: string[]
}

export const defaultPollSeconds = 10

export function resolveScriptSetup(
  config: DeviceConfig,
  configDir: string,
): { ok: true; setup: ScriptSetup } | { ok: false; error: string } {
  const o = config.options
  const path = (p: string) => (isAbsolute(p) ? p : join(configDir, p))
  const confFile = o['powerman.conf']
  const file = confFile ?? o['script']
  if (file === undefined)
    return { ok: false, error: 'a script device needs `script` (a .dev file) or a powerman.conf' }
  const loaded = loadPowermanFile(path(file))
  if ('error' in loaded) return { ok: false, error: `cannot read ${loaded.error}` }
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length > 0)
    return { ok: false, error: renderDiagnostics(loaded.sources, errors).trimEnd() }
  const setup = powermanSetup(loaded.file, path(file))
  const warnings: string[] = []
  let specName: string | undefined
  let where: string
  let flags: string | undefined
  let plugs: DevicePlug[]
  if (confFile !== undefined) {
    const name = o['powerman.device'] ?? config.name
    const device = setup.devices.find((d) => d.name === name)
    if (device === undefined) return { ok: false, error: `${file} has no device "${name}"` }
    specName = device.spec
    where = device.where
    flags = device.flags
    plugs = device.plugs
  } else {
    specName = o['specification']
    if (specName === undefined) {
      if (setup.specs.size !== 1)
        return {
          ok: false,
          error: `${file} holds ${setup.specs.size} specifications; name one with \`specification\``,
        }
      specName = [...setup.specs.keys()][0] as string
    }
    where = config.port
    flags = o['flags']
    const compiledPlugs = specProgram(setup, specName)
    const fixed = compiledPlugs.ok ? compiledPlugs.program.plugs : undefined
    const listed = o['plugs'] === undefined ? undefined : expandHostlist(o['plugs'])
    if (listed !== undefined && 'error' in listed)
      return { ok: false, error: `plugs "${o['plugs']}": ${listed.error}` }
    const names = listed?.names ?? fixed
    if (names === undefined)
      return { ok: false, error: `specification "${specName}" has no plug list; give \`plugs\`` }
    const unknown = fixed === undefined ? [] : names.filter((n) => !fixed.includes(n))
    if (unknown.length > 0)
      return { ok: false, error: `specification "${specName}" has no plug ${unknown.join(', ')}` }
    const nodes = o['nodes'] === undefined ? undefined : expandHostlist(o['nodes'])
    if (nodes !== undefined && 'error' in nodes)
      return { ok: false, error: `nodes "${o['nodes']}": ${nodes.error}` }
    if (nodes !== undefined && nodes.names.length !== names.length)
      return { ok: false, error: `${nodes.names.length} nodes for ${names.length} plugs` }
    const chosen = new Map(names.map((n, i) => [n, nodes?.names[i] ?? n]))
    // Every plug of a fixed list exists (foreachplug visits it); only the chosen are mapped.
    plugs = (fixed ?? names).map((plug) => ({ plug, node: chosen.get(plug) }))
  }
  const compiled = specProgram(setup, specName)
  if (!compiled.ok) return { ok: false, error: compiled.errors.join('; ') }
  const parsed = parseDeviceWhere(where, flags)
  const fatal = parsed.problems.filter((p) => p.severity === 'error')
  if (parsed.transport === undefined || fatal.length > 0)
    return {
      ok: false,
      error: `device "${where}": ${parsed.problems.map((p) => p.message).join('; ')}`,
    }
  for (const p of parsed.problems) warnings.push(p.message)
  const poll = o['pollinterval'] ?? String(defaultPollSeconds)
  if (!/^[0-9]+(\.[0-9]+)?$/.test(poll) || Number(poll) <= 0)
    return { ok: false, error: `pollinterval "${poll}" is not a number of seconds above 0` }
  const dialect = o['dialect'] ?? '2.4'
  if (dialect !== '2.4' && dialect !== '2.3')
    return { ok: false, error: `dialect "${dialect}" is not 2.4 or 2.3` }
  return {
    ok: true,
    setup: {
      program: compiled.program,
      transport: parsed.transport,
      where,
      plugs,
      pollIntervalMs: Number(poll) * 1000,
      dialect,
      warnings,
    },
  }
}
