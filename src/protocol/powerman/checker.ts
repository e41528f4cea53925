import { suggest } from '../did-you-mean.ts'
import type { Item, PowermanFile, Str } from './ast.ts'
import { type CheckOptions, checkSpec, flatten, type Report, reporter } from './check-spec.ts'
import { parseDeviceWhere } from './device-where.ts'
import { type Diagnostic, didYouMean } from './diagnostics.ts'
import { expandHostlist } from './hostlist.ts'

export type { CheckOptions } from './check-spec.ts'

/** Syslog level names logger(1) accepts, for plug_log_level. */
const logLevels = [
  'emerg',
  'alert',
  'crit',
  'err',
  'warning',
  'notice',
  'info',
  'debug',
  'panic',
  'error',
  'warn',
]

interface DeviceState {
  /** The spec's fixed plug list, or undefined when plugs are made by node lines. */
  fixed: string[] | undefined
  plugToNode: Map<string, string>
  nodes: Set<string>
}

/**
 * The meaning checks powermand makes while it reads the file (reference 1.3-1.5): each
 * specification's own rules, device lines naming a specification defined above them,
 * node lines naming a device and mapping nodes to plugs, aliases, listen and log level.
 * When an include was left unread, names it might define are not reported missing.
 */
export function checkPowerman(
  file: PowermanFile,
  name: string,
  options: CheckOptions = {},
): Diagnostic[] {
  const diagnostics: Diagnostic[] = []
  const report = reporter(diagnostics)
  const items = flatten(file.items, name)
  const unread = hasUnreadInclude(file.items)
  const specs = new Map<string, { plugs: string[] | undefined; file: string; span: Str['span'] }>()
  const devices = new Map<string, DeviceState & { file: string; span: Str['span'] }>()
  const allNodes = new Map<string, { file: string; span: Str['span'] }>()
  const aliases = new Set<string>()
  const laterSpecs = new Set(
    items.filter((i) => i.item.kind === 'specification').map((i) => specName(i.item)),
  )

  for (const { item, file: at } of items) {
    switch (item.kind) {
      case 'specification': {
        checkSpec(item.name, item.items, at, report, options)
        const first = specs.get(item.name.value)
        if (first !== undefined)
          report('PM2012', at, item.name.span, `A second specification "${item.name.value}".`, {
            severity: 'warning',
            related: [{ file: first.file, span: first.span, message: 'first defined here' }],
            advice: 'device lines use the first specification of a name; rename one.',
          })
        else {
          const plugList = flatten(item.items, at).find((i) => i.item.kind === 'plugs')?.item
          const plugs = plugList?.kind === 'plugs' ? plugList.names.map((n) => n.value) : undefined
          specs.set(item.name.value, { plugs, file: at, span: item.name.span })
        }
        break
      }
      case 'device':
        checkDevice(item, at, report, specs, devices, laterSpecs, unread)
        break
      case 'node':
        checkNode(item, at, report, devices, allNodes, unread)
        break
      case 'alias': {
        if (aliases.has(item.name.value))
          report('PM2016', at, item.name.span, `A second alias "${item.name.value}".`, {
            advice: 'powermand stops at a duplicate alias; keep one.',
          })
        aliases.add(item.name.value)
        hostlist(item.hosts, at, report)
        break
      }
      case 'listen': {
        const m = /^(.*):([0-9]+)$/.exec(item.address.value)
        const port = m === null ? Number.NaN : Number(m[2])
        if (m === null || !(port >= 1 && port <= 65535))
          report('PM2017', at, item.address.span, `"${item.address.value}" is not "host:port".`, {
            severity: 'warning',
            advice:
              'Write listen "127.0.0.1:10101" (the default); repeat the line for more addresses.',
          })
        break
      }
      case 'plug_log_level':
        if (!logLevels.includes(item.level.value))
          report(
            'PM2018',
            at,
            item.level.span,
            `Unknown log level "${item.level.value}".${didYouMean(suggest(item.level.value, logLevels))}`,
            {
              advice: `Levels are ${logLevels.slice(0, 8).join(', ')} (as for logger(1)).`,
            },
          )
        break
      case 'tcpwrappers':
        if (item.value === undefined)
          report('PM2014', at, item.span, "'tcpwrappers' without yes or no.", {
            severity: 'warning',
            advice: 'powermand reads it as yes and warns; write tcpwrappers yes or tcpwrappers no.',
          })
        break
    }
  }
  return diagnostics
}

function specName(item: Item): string {
  return item.kind === 'specification' ? item.name.value : ''
}

function hasUnreadInclude(items: readonly Item[]): boolean {
  return items.some(
    (i) => i.kind === 'include' && (i.file === undefined || hasUnreadInclude(i.items)),
  )
}

function checkDevice(
  item: Extract<Item, { kind: 'device' }>,
  at: string,
  report: Report,
  specs: Map<string, { plugs: string[] | undefined }>,
  devices: Map<string, DeviceState & { file: string; span: Str['span'] }>,
  laterSpecs: Set<string>,
  unread: boolean,
): void {
  const spec = specs.get(item.spec.value)
  if (spec === undefined && !unread)
    report(
      'PM2005',
      at,
      item.spec.span,
      `No specification "${item.spec.value}" is defined above this line.${laterSpecs.has(item.spec.value) ? '' : didYouMean(suggest(item.spec.value, specs.keys()))}`,
      {
        advice: laterSpecs.has(item.spec.value)
          ? 'It is defined further down; powermand reads in order, so move the device line below it.'
          : 'include the .dev file that defines it, above the device line.',
      },
    )
  const first = devices.get(item.name.value)
  if (first !== undefined)
    report('PM2013', at, item.name.span, `A second device "${item.name.value}".`, {
      severity: 'warning',
      related: [{ file: first.file, span: first.span, message: 'first defined here' }],
      advice: 'node lines use the first device of a name; rename one.',
    })
  else
    devices.set(item.name.value, {
      fixed: spec?.plugs,
      plugToNode: new Map(),
      nodes: new Set(),
      file: at,
      span: item.name.span,
    })
  // A WHERE the parser found missing is already reported.
  if (item.where.span.start === item.where.span.end) return
  const { problems } = parseDeviceWhere(item.where.value, item.flags?.value)
  for (const p of problems) {
    const target = p.field === 'flags' && item.flags !== undefined ? item.flags : item.where
    report(
      p.field === 'flags' ? 'PM2008' : 'PM2007',
      at,
      target.span,
      `${capitalise(p.message)}.`,
      {
        severity: p.severity,
        advice:
          p.field === 'flags'
            ? 'Serial lines take "baud,DPS" such as "9600,8n1"; TCP devices take "quiet" or nothing; coprocesses ignore flags.'
            : 'WHERE is "host:port" (TCP), "/dev/ttyS0" (serial, with "9600,8n1" flags) or "/full/path/cmd args |&" (a coprocess).',
      },
    )
  }
}

function checkNode(
  item: Extract<Item, { kind: 'node' }>,
  at: string,
  report: Report,
  devices: Map<string, DeviceState>,
  allNodes: Map<string, { file: string; span: Str['span'] }>,
  unread: boolean,
): void {
  const nodes = hostlist(item.nodes, at, report)
  const plugs = item.plugs === undefined ? undefined : hostlist(item.plugs, at, report)
  const device = devices.get(item.device.value)
  if (device === undefined) {
    if (!unread)
      report(
        'PM2006',
        at,
        item.device.span,
        `No device "${item.device.value}" is defined above this line.${didYouMean(suggest(item.device.value, devices.keys()))}`,
        {
          advice: 'A node line maps nodes to plugs of a device line written before it.',
        },
      )
    return
  }
  if (nodes === undefined || (item.plugs !== undefined && plugs === undefined)) return
  const problem = (message: string, span = item.span) =>
    report('PM2010', at, span, message, {
      advice:
        'node "NODES" "DEVICE" ["PLUGS"] maps the nodes to the plugs pairwise, or without PLUGS to the device\'s free plugs in order (or to plugs named like the nodes when the specification has no plug list).',
    })
  if (plugs !== undefined && nodes.length !== plugs.length) {
    problem(nodes.length > plugs.length ? 'More nodes than plugs.' : 'More plugs than nodes.')
    return
  }
  for (const [i, node] of nodes.entries()) {
    if (device.nodes.has(node)) {
      problem(`Node ${node} is already mapped on this device.`, item.nodes.span)
      return
    }
    let plug: string | undefined = plugs?.[i]
    if (plug === undefined) {
      plug = device.fixed === undefined ? node : device.fixed.find((p) => !device.plugToNode.has(p))
      if (plug === undefined) {
        problem('More nodes than plugs: every plug of the device is taken.', item.nodes.span)
        return
      }
    } else if (device.fixed !== undefined && !device.fixed.includes(plug)) {
      problem(
        `Unknown plug name "${plug}".${plug.length < 3 ? '' : didYouMean(suggest(plug, device.fixed))}`,
        item.plugs?.span,
      )
      return
    }
    const owner = device.plugToNode.get(plug)
    if (owner !== undefined) {
      problem(`Plug "${plug}" is already assigned to ${owner}.`, (item.plugs ?? item.nodes).span)
      return
    }
    device.plugToNode.set(plug, node)
    device.nodes.add(node)
    const earlier = allNodes.get(node)
    if (earlier !== undefined) {
      report('PM2010', at, item.nodes.span, `Node ${node} is mapped twice.`, {
        related: [{ file: earlier.file, span: earlier.span, message: 'first mapped here' }],
        advice: 'A node name stands for one plug of one device.',
      })
      return
    }
    allNodes.set(node, { file: at, span: item.nodes.span })
  }
}

function hostlist(text: Str, at: string, report: Report): string[] | undefined {
  const result = expandHostlist(text.value)
  if ('error' in result) {
    report('PM2011', at, text.span, `Bad hostlist "${text.value}": ${result.error}.`, {
      advice:
        'A hostlist is names and prefix[ranges] separated by commas: "t[0-15]", "p[01-10],q1", "[1-8]".',
    })
    return undefined
  }
  return result.names
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
