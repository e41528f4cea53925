/**
 * The devices a powerman.conf describes, with their plugs mapped to nodes as powermand
 * maps them (reference 1.5): `node "NODES" "DEV" "PLUGS"` pairwise; without PLUGS the
 * nodes take the still-free plugs of a fixed list in order, or, with no fixed list, each
 * node gets a plug of its own name. Pure: the file was read and checked before (the
 * checker reports every mapping error; here a bad line is skipped).
 */
import type { PowermanFile, SpecItem } from '../../protocol/powerman/ast.ts'
import { flatten } from '../../protocol/powerman/check-spec.ts'
import { expandHostlist } from '../../protocol/powerman/hostlist.ts'
import type { DevicePlug } from './device-engine.ts'
import { type CompileSpecResult, compileSpec } from './program.ts'

export interface PowermanDevice {
  name: string
  spec: string
  where: string
  flags: string | undefined
  /** In device order: a fixed list's order, then node-made plugs in mapping order. */
  plugs: DevicePlug[]
}

export interface PowermanSetup {
  devices: PowermanDevice[]
  /** Specifications by name (the first of a name wins, as in powermand). */
  specs: Map<string, { items: SpecItem[]; file: string }>
  listen: string[]
}

export function powermanSetup(file: PowermanFile, name: string): PowermanSetup {
  const specs = new Map<string, { items: SpecItem[]; file: string }>()
  const devices = new Map<string, PowermanDevice & { fixed: boolean }>()
  const listen: string[] = []
  for (const { item, file: at } of flatten(file.items, name)) {
    switch (item.kind) {
      case 'specification':
        if (!specs.has(item.name.value)) specs.set(item.name.value, { items: item.items, file: at })
        break
      case 'listen':
        listen.push(item.address.value)
        break
      case 'device': {
        const spec = specs.get(item.spec.value)
        if (spec === undefined || devices.has(item.name.value)) break
        const list = flatten(spec.items, spec.file).find((i) => i.item.kind === 'plugs')?.item
        const fixed = list?.kind === 'plugs' ? list.names.map((n) => n.value) : undefined
        devices.set(item.name.value, {
          name: item.name.value,
          spec: item.spec.value,
          where: item.where.value,
          flags: item.flags?.value,
          plugs: (fixed ?? []).map((plug) => ({ plug, node: undefined })),
          fixed: fixed !== undefined,
        })
        break
      }
      case 'node': {
        const device = devices.get(item.device.value)
        const nodes = expandHostlist(item.nodes.value)
        if (device === undefined || 'error' in nodes) break
        mapNodes(device, nodes.names, item.plugs?.value)
        break
      }
      default:
        break
    }
  }
  return {
    devices: [...devices.values()].map(({ fixed: _, ...d }) => d),
    specs,
    listen,
  }
}

function mapNodes(
  device: PowermanDevice & { fixed: boolean },
  nodes: string[],
  plugText: string | undefined,
): void {
  const byName = new Map(device.plugs.map((p) => [p.plug, p]))
  if (plugText !== undefined) {
    const plugs = expandHostlist(plugText)
    if ('error' in plugs || plugs.names.length !== nodes.length) return
    plugs.names.forEach((plug, i) => {
      const node = nodes[i] as string
      const existing = byName.get(plug)
      if (existing !== undefined) {
        if (existing.node === undefined) existing.node = node
      } else if (!device.fixed) device.plugs.push({ plug, node })
    })
    return
  }
  if (device.fixed) {
    const free = device.plugs.filter((p) => p.node === undefined)
    nodes.forEach((node, i) => {
      const plug = free[i]
      if (plug !== undefined) plug.node = node
    })
    return
  }
  for (const node of nodes) if (!byName.has(node)) device.plugs.push({ plug: node, node })
}

/** Compiles the named specification of a setup. */
export function specProgram(setup: PowermanSetup, spec: string): CompileSpecResult {
  const found = setup.specs.get(spec)
  if (found === undefined) return { ok: false, errors: [`no specification "${spec}"`] }
  return compileSpec(spec, found.items, found.file)
}
