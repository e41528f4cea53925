/**
 * How a script device's plugs appear in NUT's model (reference 5.2): the mapped plugs in
 * device order are outlets 1..N: `outlet.N.id` (the index), `.name` (the plug name),
 * `.desc` (the node), `.switchable`, `.status` (on/off, `unknown` until read). Instant
 * commands `outlet.N.load.on/off/cycle` and the unit-wide `outlet.load.*` exist when the
 * specification has a script for them. nutshell's own names, as NUT has none: per-outlet
 * temperature `outlet.N.temperature` (status_temp), beacon `outlet.N.beacon.status`
 * (status_beacon) and the commands `outlet.N.beacon.on/off` (beacon_on/off).
 */
import type { ScriptName } from '../../protocol/powerman/ast.ts'
import { type Family, supports } from '../../protocol/powerman/select-script.ts'

export interface Outlet {
  index: number
  plug: string
  node: string
}

export type OutletCommand =
  | { kind: 'outlet'; family: Family; outlet: Outlet }
  | { kind: 'unit'; family: Family }

const loadCommands: Array<[string, Family]> = [
  ['on', 'on'],
  ['off', 'off'],
  ['cycle', 'cycle'],
]

export function outletCommands(
  outlets: readonly Outlet[],
  scripts: ReadonlySet<ScriptName>,
): Map<string, OutletCommand> {
  const out = new Map<string, OutletCommand>()
  for (const [word, family] of loadCommands) {
    if (!supports(scripts, family)) continue
    for (const outlet of outlets)
      out.set(`outlet.${outlet.index}.load.${word}`, { kind: 'outlet', family, outlet })
    if (outlets.length > 0) out.set(`outlet.load.${word}`, { kind: 'unit', family })
  }
  for (const [word, family] of [
    ['on', 'beacon_on'],
    ['off', 'beacon_off'],
  ] as const) {
    if (!supports(scripts, family)) continue
    for (const outlet of outlets)
      out.set(`outlet.${outlet.index}.beacon.${word}`, { kind: 'outlet', family, outlet })
  }
  return out
}

/** Whether outlets can be switched: the specification can turn them on and off. */
export function switchable(scripts: ReadonlySet<ScriptName>): boolean {
  return supports(scripts, 'on') && supports(scripts, 'off')
}
