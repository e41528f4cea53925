/**
 * A read-only view of the rules engine's live state, for the web face and status
 * displays: each `when` rule per device (condition true or false since when, its phase,
 * its last firing) and every running timer with its deadline. The engine feeds `RuleTruth`
 * as it evaluates; nothing here changes what the rules do.
 */
import type { Clock } from '../core/clock.ts'
import type { WhenInstance, WhenRule } from './compile-rules.ts'

interface Truth {
  holds: boolean
  /** Monotonic ms since which `holds` has had its value. */
  since: number
  /** Wall ms of the last firing. */
  lastFired: number | undefined
}

export interface RuleInstanceView {
  /** The device (lower case); '' for a rule over named devices only. */
  device: string
  phase: WhenInstance['phase']
  holds: boolean
  /** ISO times. */
  since: string | undefined
  lastFired: string | undefined
}

export interface RuleView {
  location: string
  instances: RuleInstanceView[]
}

export interface TimerView {
  name: string
  device: string
  deadline: string
  remainingMs: number
}

export interface RulesStateView {
  rules: RuleView[]
  timers: TimerView[]
}

export class RuleTruth {
  private readonly truths = new WeakMap<WhenInstance, Truth>()

  note(instance: WhenInstance, holds: boolean, now: number): void {
    const truth = this.truths.get(instance)
    if (truth === undefined) this.truths.set(instance, { holds, since: now, lastFired: undefined })
    else if (truth.holds !== holds) {
      truth.holds = holds
      truth.since = now
    }
  }

  fired(instance: WhenInstance, wallNow: number): void {
    const truth = this.truths.get(instance)
    if (truth !== undefined) truth.lastFired = wallNow
  }

  describe(
    rules: readonly WhenRule[],
    slots: ReadonlyMap<string, number>,
    timers: Iterable<{ name: string; deviceName: string; due: number }>,
    clock: Clock,
  ): RulesStateView {
    const now = clock.now()
    const wall = clock.wallNow()
    const iso = (monotonic: number): string => new Date(wall - (now - monotonic)).toISOString()
    const keyOfSlot = new Map([...slots].map(([key, slot]) => [slot, key]))
    return {
      rules: rules.map((rule) => {
        const instances: RuleInstanceView[] = []
        rule.instances.forEach((instance, slot) => {
          if (instance === undefined) return
          const truth = this.truths.get(instance)
          instances.push({
            device: keyOfSlot.get(slot) ?? '',
            phase: instance.phase,
            holds: truth?.holds ?? false,
            since: truth === undefined ? undefined : iso(truth.since),
            lastFired:
              truth?.lastFired === undefined ? undefined : new Date(truth.lastFired).toISOString(),
          })
        })
        return { location: rule.location, instances }
      }),
      timers: [...timers].map((t) => ({
        name: t.name,
        device: t.deviceName,
        deadline: iso(t.due),
        remainingMs: Math.max(0, t.due - now),
      })),
    }
  }
}
