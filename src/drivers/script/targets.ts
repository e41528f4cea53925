/**
 * The typed API a powerman client-protocol face (port 10101) calls: every running script
 * device registers here with its nodes, and answers status/on/off/cycle/... for nodes by
 * name with powermand's per-node results. Node names are unique across devices in a
 * powerman.conf; a face that finds one twice takes the first.
 */
import type { Family } from '../../protocol/powerman/select-script.ts'
import type { LinkStatus } from './device-engine.ts'
import type { PlugState } from './run.ts'

export interface NodeResult {
  node: string
  state: PlugState
  /** The raw captured value (temperature text for `status_temp`). */
  value: string | undefined
  ok: boolean
}

export interface NodeRequestOutcome {
  ok: boolean
  nodes: NodeResult[]
  /** powermand's 308/309 texts, e.g. `pdu1: action timed out waiting for expected response`. */
  errors: string[]
}

export interface PowermanTarget {
  /** The device's name (powerman.conf `device` line, or the nutshell device). */
  readonly device: string
  readonly specification: string
  /** Mapped nodes in device order, with the plug each sits on. */
  nodes(): ReadonlyArray<{ node: string; plug: string }>
  /** Whether the device has any script of the family (else: 213 in powermand). */
  supports(family: Family): boolean
  /** Runs the family on these nodes (all must be this device's); never rejects. */
  request(family: Family, nodes: readonly string[]): Promise<NodeRequestOutcome>
  /** Link state for `device` queries (state, reconnects). */
  link(): LinkStatus
}

const registered = new Map<string, PowermanTarget>()

export const powermanTargets = {
  add(target: PowermanTarget): void {
    registered.set(target.device, target)
  },
  remove(target: PowermanTarget): void {
    if (registered.get(target.device) === target) registered.delete(target.device)
  },
  /** Every running script device, in start order. */
  list(): PowermanTarget[] {
    return [...registered.values()]
  },
}
