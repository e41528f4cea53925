import type { ScriptName } from './ast.ts'

/**
 * Which script serves a user request on one device (reference 1.9). A request belongs to
 * a family (status, on, off, ...); each family has up to three variants: the singlet
 * (one plug, `%s` = its name), `_ranged` (`%s` = the compressed range of the targeted
 * plugs) and `_all` (no `%s`).
 */
export type Family =
  | 'status'
  | 'on'
  | 'off'
  | 'cycle'
  | 'reset'
  | 'status_temp'
  | 'status_beacon'
  | 'beacon_on'
  | 'beacon_off'

interface Variants {
  singlet: ScriptName
  ranged: ScriptName | undefined
  all: ScriptName | undefined
  query: boolean
}

export const families: Readonly<Record<Family, Variants>> = {
  status: { singlet: 'status', ranged: undefined, all: 'status_all', query: true },
  status_temp: { singlet: 'status_temp', ranged: undefined, all: 'status_temp_all', query: true },
  status_beacon: {
    singlet: 'status_beacon',
    ranged: undefined,
    all: 'status_beacon_all',
    query: true,
  },
  on: { singlet: 'on', ranged: 'on_ranged', all: 'on_all', query: false },
  off: { singlet: 'off', ranged: 'off_ranged', all: 'off_all', query: false },
  cycle: { singlet: 'cycle', ranged: 'cycle_ranged', all: 'cycle_all', query: false },
  reset: { singlet: 'reset', ranged: 'reset_ranged', all: 'reset_all', query: false },
  beacon_on: { singlet: 'beacon_on', ranged: 'beacon_on_ranged', all: undefined, query: false },
  beacon_off: { singlet: 'beacon_off', ranged: 'beacon_off_ranged', all: undefined, query: false },
}

/** The client commands of powermand's protocol and the family each runs. */
export const commandFamilies: Readonly<Record<string, Family>> = {
  status: 'status',
  on: 'on',
  off: 'off',
  cycle: 'cycle',
  reset: 'reset',
  temp: 'status_temp',
  beacon: 'status_beacon',
  flash: 'beacon_on',
  unflash: 'beacon_off',
}

export type Plan =
  /** One action of this script with no `%s` (`_all`), or the range (`_ranged`). */
  | { kind: 'all'; script: ScriptName }
  | { kind: 'ranged'; script: ScriptName; plugs: string[] }
  /** One singlet action per plug, run one after another. */
  | { kind: 'singlets'; script: ScriptName; plugs: string[] }

export interface SelectionInput {
  family: Family
  /** The scripts the device's specification defines. */
  scripts: ReadonlySet<ScriptName>
  /** The device's plugs that the request targets, in device order. */
  targeted: readonly string[]
  /** Every plug of the device is mapped to a node and targeted. */
  allMappedAndTargeted: boolean
  /** upstream 2.4.1+ (default) or Debian 12's 2.3.27, whose order differs. */
  dialect?: '2.4' | '2.3'
}

/** Whether a device can serve the family at all (else: 213 Command cannot be handled). */
export function supports(scripts: ReadonlySet<ScriptName>, family: Family): boolean {
  const v = families[family]
  return [v.singlet, v.ranged, v.all].some((s) => s !== undefined && scripts.has(s))
}

/**
 * The plan for one device, or undefined when no action is queued: nothing targeted, the
 * family unsupported, or only an `_all` script for a partial power request.
 */
export function selectScripts(input: SelectionInput): Plan | undefined {
  const { scripts, targeted } = input
  const v = families[input.family]
  if (targeted.length === 0 || !supports(scripts, input.family)) return undefined
  const has = (s: ScriptName | undefined): s is ScriptName => s !== undefined && scripts.has(s)
  const singlet = has(v.singlet)
  if (input.dialect === '2.3') {
    // 2.3.27: _all for a full target or for any query, else ranged, else singlets.
    if (has(v.all) && (input.allMappedAndTargeted || v.query)) return { kind: 'all', script: v.all }
  } else {
    if (singlet && targeted.length === 1)
      return { kind: 'singlets', script: v.singlet, plugs: [...targeted] }
    if (has(v.all) && (input.allMappedAndTargeted || (v.query && !singlet)))
      return { kind: 'all', script: v.all }
  }
  if (has(v.ranged)) return { kind: 'ranged', script: v.ranged, plugs: [...targeted] }
  if (singlet) return { kind: 'singlets', script: v.singlet, plugs: [...targeted] }
  // Only an _all script and not every plug targeted: powermand queues nothing here.
  return undefined
}
