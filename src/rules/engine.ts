import type { Clock, TimerHandle } from '../core/clock.ts'
import { describeError } from '../core/errors.ts'
import { type Logger, RateLimitedLog } from '../core/log.ts'
import type { Device, DeviceChange } from '../devices/device.ts'
import type { DeviceStore } from '../devices/device-store.ts'
import type { NotifyEvent, NotifyOptions, NotifyState } from '../devices/notify-events.ts'
import type { ActionBody, ActionSink } from './action-sink.ts'
import type { RulesFile } from './ast.ts'
import {
  type ActionContext,
  type ActionHost,
  type CompiledAction,
  request,
} from './compile-actions.ts'
import type { EvalContext } from './compile-expr.ts'
import {
  compileRules,
  type OnRule,
  type TimerRule,
  type WhenInstance,
  type WhenRule,
} from './compile-rules.ts'
import { EventFeed } from './event-feed.ts'
import { FlagDiff } from './has-only.ts'
import { type RulesStateView, RuleTruth } from './rule-state.ts'
import type { SourceFile } from './source.ts'

/**
 * The incremental evaluator. It subscribes to the DeviceStore; a change to one variable
 * re-evaluates only the `when` rules that read it (rules are indexed by variable name),
 * for the one device that changed. Notify events are derived per device with the
 * monitor's own module (devices/notify-events.ts) and run the `on` rules. Every timer
 * (`for`, `start timer`, NOCOMM/REPLBATT repeats) goes through the injected Clock.
 *
 * `when` rules are small state machines per device: idle → (pending, while `for` runs) →
 * fired → (clearing, while the `else ... for` runs) → idle. The body runs on the way into
 * fired, the else body on the way back to idle.
 */
export interface EngineOptions {
  store: DeviceStore
  clock: Clock
  sink: ActionSink
  log: Logger
  notify?: NotifyOptions
  /** Derive notify events from the store (default). Off when the monitor injects them. */
  deriveEvents?: boolean
  /** Told of every notify event before its rules run (the dry run's --events). */
  onEvent?: (device: string, event: string) => void
}

/** What survives a reload: fired rules by their text, running timers with time left. */
export interface CarriedState {
  fired: Map<string, string[][]>
  timers: Array<{ name: string; deviceName: string; remainingMs: number }>
  notify: Map<string, NotifyState>
}

export interface LoadedFile {
  source: SourceFile
  file: RulesFile
}

export class RulesEngine {
  private readonly options: EngineOptions
  private readonly host: ActionHost
  private readonly whenRules: WhenRule[]
  private readonly localIndex: Map<string, WhenRule[]>
  /** Per variable, parallel to localIndex: each rule's has-only flags for it (hot path). */
  private readonly localFlags: Map<string, Array<Set<string> | undefined>>
  private readonly qualifiedIndex: Map<string, WhenRule[]>
  private readonly eventIndex: Map<string, OnRule[]>
  private readonly timerIndex: Map<string, TimerRule[]>
  private readonly timers = new Map<string, TimerHandle>()
  private readonly timerInfo = new Map<string, { name: string; deviceName: string; due: number }>()
  /** Device (lower-case name) → its index in every rule's `instances`; '' is slot 0. */
  private readonly slots = new Map<string, number>([['', 0]])
  /** Undefined when events are not derived here (the monitor injects them). */
  private readonly feed: EventFeed | undefined
  private readonly errorLog: RateLimitedLog
  private unsubscribe: (() => void) | undefined
  private readonly truth = new RuleTruth()

  constructor(files: LoadedFile[], options: EngineOptions) {
    this.options = options
    this.errorLog = new RateLimitedLog(options.clock)
    this.host = {
      store: options.store,
      emit: (body, ctx) => this.emit(body, ctx),
      startTimer: (name, seconds, ctx) => this.startTimer(name, seconds, ctx),
      cancelTimer: (name, ctx) => this.cancelTimer(name, ctx),
    }
    this.feed =
      options.deriveEvents === false
        ? undefined
        : new EventFeed(options.clock, options.notify, (device, event) =>
            this.dispatch(device, device.name, event),
          )
    const compiled = compileRules(files, this.host)
    this.whenRules = compiled.whenRules
    this.localIndex = compiled.localIndex
    this.localFlags = new Map(
      [...compiled.localIndex].map(([name, rules]) => [
        name,
        rules.map((r) => r.hasOnly.get(name)),
      ]),
    )
    this.qualifiedIndex = compiled.qualifiedIndex
    this.eventIndex = compiled.eventIndex
    this.timerIndex = compiled.timerIndex
  }

  /**
   * Subscribes to the store and evaluates every rule once against the current state.
   * `carried`, from the engine being replaced by a reload, keeps what is still the same:
   * a rule with the same text that had fired stays fired (no second notification for the
   * same outage), and running timers keep their time left.
   */
  start(carried?: CarriedState): void {
    if (this.unsubscribe !== undefined) return
    this.unsubscribe = this.options.store.onChange((change) => this.onChange(change))
    if (carried !== undefined) this.adopt(carried)
    for (const device of this.options.store.list()) {
      this.deriveInitial(device)
      for (const rule of this.whenRules) if (!rule.global) this.evaluateFor(rule, device)
    }
    for (const rule of this.whenRules) if (rule.global) this.evaluateFor(rule, undefined)
  }

  /** What a reload carries over to the next engine (call before stop). */
  carryState(): CarriedState {
    const fired = new Map<string, string[][]>()
    const keyOfSlot = new Map([...this.slots].map(([key, slot]) => [slot, key]))
    for (const rule of this.whenRules) {
      const keys: string[] = []
      rule.instances.forEach((instance, slot) => {
        const key = keyOfSlot.get(slot)
        if (key !== undefined && (instance?.phase === 'fired' || instance?.phase === 'clearing'))
          keys.push(key)
      })
      const list = fired.get(rule.signature) ?? []
      list.push(keys)
      fired.set(rule.signature, list)
    }
    const now = this.options.clock.now()
    const timers = [...this.timerInfo.values()].map((t) => ({
      ...t,
      remainingMs: Math.max(0, t.due - now),
    }))
    return { fired, timers, notify: this.feed?.exportStates() ?? new Map() }
  }

  private adopt(carried: CarriedState): void {
    this.feed?.adoptStates(carried.notify, (key) => this.options.store.get(key))
    for (const rule of this.whenRules) {
      const keys = carried.fired.get(rule.signature)?.shift()
      for (const key of keys ?? [])
        rule.instances[this.slotOf(key)] = { phase: 'fired', timer: undefined }
    }
    for (const t of carried.timers) {
      const device = this.options.store.get(t.deviceName)
      this.armTimer(t.name, t.remainingMs, t.deviceName, device)
    }
  }

  stop(): void {
    this.unsubscribe?.()
    this.unsubscribe = undefined
    for (const handle of this.timers.values()) handle.cancel()
    this.timers.clear()
    this.timerInfo.clear()
    for (const rule of this.whenRules) {
      for (const instance of rule.instances) instance?.timer?.cancel()
      rule.instances.length = 0
    }
    this.feed?.stop()
  }

  /** Each rule's live state and the running timers (read only). */
  describe(): RulesStateView {
    return this.truth.describe(
      this.whenRules,
      this.slots,
      this.timerInfo.values(),
      this.options.clock,
    )
  }

  /** Runs the `on` rules for an event raised elsewhere (the monitor's SHUTDOWN, ...). */
  injectEvent(deviceName: string, event: string): void {
    this.dispatch(this.options.store.get(deviceName), deviceName, event)
  }

  // ---- store events ----------------------------------------------------------------

  /** Changes of devices in the middle of an update batch, judged at its end. */
  private readonly held = new Map<string, DeviceChange[]>()

  /**
   * A driver's burst of updates (Device.update) is judged once it is whole: a rule reading
   * `ups.status` and `battery.charge` never sees the new status with the old charge.
   */
  private onChange(change: DeviceChange): void {
    const key = change.device.toLowerCase()
    if (change.kind === 'batch-end') {
      const held = this.held.get(key)
      this.held.delete(key)
      for (const each of held ?? []) this.judge(each)
      return
    }
    if (this.options.store.get(change.device)?.inBatch === true) {
      const held = this.held.get(key)
      if (held === undefined) this.held.set(key, [change])
      else held.push(change)
      return
    }
    this.judge(change)
  }

  private judge(change: DeviceChange): void {
    const store = this.options.store
    switch (change.kind) {
      case 'variable':
      case 'variable-removed': {
        const device = store.get(change.device)
        const name = change.name.toLowerCase()
        const value = change.kind === 'variable' ? change.value : undefined
        this.variableChanged(device, change.device, name, { previous: change.previous, value })
        if (name === 'ups.status' && device !== undefined) this.feed?.statusChanged(device)
        return
      }
      case 'fsd': {
        const device = store.get(change.device)
        this.variableChanged(device, change.device, 'ups.status')
        if (device !== undefined) this.feed?.statusChanged(device)
        return
      }
      case 'comm': {
        const device = store.get(change.device)
        this.variableChanged(device, change.device, 'comm')
        if (device !== undefined) this.feed?.commChanged(device, change.previous)
        return
      }
      case 'device-added': {
        const device = store.get(change.device)
        if (device !== undefined)
          for (const rule of this.whenRules) if (!rule.global) this.evaluateFor(rule, device)
        return
      }
      case 'device-removed':
        this.forgetDevice(change.device.toLowerCase())
        return
      case 'metadata':
      case 'commands':
      case 'batch-end':
        return
    }
  }

  /**
   * `values`, when known, lets rules that read the variable only through `has FLAG` skip
   * a change that did not add or remove any of their flags (DISCHRG/CHRG toggles, ...).
   */
  private variableChanged(
    device: Device | undefined,
    deviceName: string,
    name: string,
    values?: { previous: string | undefined; value: string | undefined },
  ): void {
    const key = deviceName.toLowerCase()
    const local = this.localIndex.get(name)
    if (local !== undefined && device !== undefined) {
      const ctx = { device, store: this.options.store }
      // A variable appearing or going away can change `not VAR has X` without a flag moving.
      const flagChanged =
        values === undefined ||
        values.previous === undefined ||
        values.value === undefined ||
        device.fsdLatched
          ? undefined
          : new FlagDiff(values.previous, values.value)
      const slot = this.slotOf(key)
      // Flag sets are interned (has-only.ts): one test per distinct set, not per rule.
      const allFlags = this.localFlags.get(name) ?? []
      let lastFlags: Set<string> | undefined
      let lastChanged = true
      for (let i = 0; i < local.length; i++) {
        const rule = local[i] as WhenRule
        const flags = allFlags[i]
        if (flags !== undefined && flagChanged !== undefined) {
          if (flags !== lastFlags) {
            lastFlags = flags
            lastChanged = flagChanged.anyChanged(flags)
          }
          if (!lastChanged) continue
        }
        this.evaluate(rule, ctx, key, slot)
      }
    }
    const qualified = this.qualifiedIndex.get(`${key}:${name}`)
    if (qualified === undefined) return
    for (const rule of qualified) {
      if (rule.global) this.evaluate(rule, { device: undefined, store: this.options.store }, '', 0)
      else for (const d of this.options.store.list()) this.evaluateFor(rule, d)
    }
  }

  private forgetDevice(key: string): void {
    for (const rule of this.whenRules) {
      const slot = this.slots.get(key)
      if (slot === undefined) continue
      rule.instances[slot]?.timer?.cancel()
      rule.instances[slot] = undefined
    }
    for (const [timerKey, handle] of this.timers)
      if (timerKey.startsWith(`${key}\u0000`)) {
        handle.cancel()
        this.timers.delete(timerKey)
      }
    this.feed?.forget(key)
  }

  // ---- when rules ----------------------------------------------------------------------

  private evaluateFor(rule: WhenRule, device: Device | undefined): void {
    const key = device === undefined ? '' : device.name.toLowerCase()
    this.evaluate(rule, { device, store: this.options.store }, key, this.slotOf(key))
  }

  private slotOf(key: string): number {
    let slot = this.slots.get(key)
    if (slot === undefined) {
      slot = this.slots.size
      this.slots.set(key, slot)
    }
    return slot
  }

  /**
   * `key` is the device's lower-case name ('' for a rule over named devices only), `slot`
   * its index in `instances` (computed once per change by the caller).
   */
  private evaluate(rule: WhenRule, ctx: EvalContext, key: string, slot: number): void {
    if (rule.scope !== undefined && key !== rule.scope) return
    let instance = rule.instances[slot]
    if (instance === undefined) {
      instance = { phase: 'idle', timer: undefined }
      rule.instances[slot] = instance
    }
    try {
      this.step(rule, instance, ctx)
    } catch (error) {
      this.runtimeError(rule.location, error)
    }
  }

  private step(rule: WhenRule, instance: WhenInstance, ctx: EvalContext): void {
    const device = ctx.device
    const holds = rule.cond(ctx) === true
    this.truth.note(instance, holds, this.options.clock.now())
    switch (instance.phase) {
      case 'idle':
        if (!holds) return
        if (rule.holdMs <= 0) {
          this.fire(rule, instance, device)
          return
        }
        instance.phase = 'pending'
        instance.timer = this.options.clock.setTimeout(() => {
          instance.timer = undefined
          this.fire(rule, instance, device)
        }, rule.holdMs)
        return
      case 'pending':
        if (holds) return
        instance.timer?.cancel()
        instance.timer = undefined
        instance.phase = 'idle'
        return
      case 'fired':
      case 'clearing': {
        const clear = this.clearHolds(rule, ctx, holds)
        if (instance.phase === 'clearing') {
          if (clear) return
          instance.timer?.cancel()
          instance.timer = undefined
          instance.phase = 'fired'
          return
        }
        if (!clear) return
        const holdMs = rule.otherwise?.holdMs ?? 0
        if (holdMs <= 0) {
          this.clearRule(rule, instance, device)
          return
        }
        instance.phase = 'clearing'
        instance.timer = this.options.clock.setTimeout(() => {
          instance.timer = undefined
          this.clearRule(rule, instance, device)
        }, holdMs)
        return
      }
    }
  }

  /** Whether a fired rule may re-arm: its `else when` holds, or else its condition no longer does. */
  private clearHolds(rule: WhenRule, ctx: EvalContext, holds: boolean): boolean {
    const clearCond = rule.otherwise?.cond
    return clearCond === undefined ? !holds : clearCond(ctx) === true
  }

  private fire(rule: WhenRule, instance: WhenInstance, device: Device | undefined): void {
    instance.phase = 'fired'
    this.truth.fired(instance, this.options.clock.wallNow())
    this.run(rule.body, this.context(rule.location, rule.defaultDevice, device, undefined))
    // A `for` that elapsed while the clear condition already holds (or a flapping
    // `else when`) is settled on the next change, not in a loop here.
  }

  private clearRule(rule: WhenRule, instance: WhenInstance, device: Device | undefined): void {
    instance.phase = 'idle'
    if (rule.otherwise !== undefined)
      this.run(
        rule.otherwise.body,
        this.context(rule.location, rule.defaultDevice, device, undefined),
      )
  }

  // ---- events and timers -----------------------------------------------------------------

  private deriveInitial(device: Device): void {
    if (this.feed !== undefined && device.commState === 'ok') this.feed.statusChanged(device)
  }

  private dispatch(
    device: Device | undefined,
    deviceName: string,
    raw: NotifyEvent | string,
  ): void {
    const event = raw.toUpperCase()
    this.options.onEvent?.(deviceName, event)
    const rules = this.eventIndex.get(event)
    if (rules === undefined) return
    const key = deviceName.toLowerCase()
    for (const rule of rules) {
      if (rule.scope !== undefined && rule.scope !== key) continue
      if (
        !rule.events.some((e) => e.name === event && (e.device === undefined || e.device === key))
      )
        continue
      this.run(rule.body, this.context(rule.location, deviceName, device, event))
    }
  }

  private startTimer(name: string, seconds: number, ctx: ActionContext): void {
    this.emit({ action: 'start-timer', timer: name, seconds }, ctx)
    this.armTimer(name, seconds * 1000, ctx.deviceName, ctx.device)
  }

  private armTimer(name: string, ms: number, deviceName: string, device: Device | undefined): void {
    const key = `${deviceName.toLowerCase()}\u0000${name}`
    this.timers.get(key)?.cancel()
    this.timerInfo.set(key, { name, deviceName, due: this.options.clock.now() + ms })
    this.timers.set(
      key,
      this.options.clock.setTimeout(() => {
        this.timers.delete(key)
        this.timerInfo.delete(key)
        for (const rule of this.timerIndex.get(name) ?? []) {
          if (rule.scope !== undefined && rule.scope !== deviceName.toLowerCase()) continue
          this.run(rule.body, this.context(rule.location, deviceName, device, name))
        }
      }, ms),
    )
  }

  private cancelTimer(name: string, ctx: ActionContext): boolean {
    const key = `${ctx.deviceName.toLowerCase()}\u0000${name}`
    const handle = this.timers.get(key)
    handle?.cancel()
    this.timers.delete(key)
    this.timerInfo.delete(key)
    this.emit({ action: 'cancel-timer', timer: name, wasRunning: handle !== undefined }, ctx)
    return handle !== undefined
  }

  // ---- running actions -------------------------------------------------------------------

  private context(
    location: string,
    fallback: string,
    device: Device | undefined,
    event: string | undefined,
  ): ActionContext {
    return { device, deviceName: device?.name ?? fallback, event, rule: location }
  }

  private run(actions: CompiledAction[], ctx: ActionContext): void {
    for (const action of actions) {
      try {
        action(ctx)
      } catch (error) {
        this.runtimeError(ctx.rule, error)
      }
    }
  }

  private emit(body: ActionBody, ctx: ActionContext): void {
    const clock = this.options.clock
    this.options.sink.run(request(body, ctx, clock.now(), clock.wallNow()))
  }

  private runtimeError(location: string, error: unknown): void {
    if (this.errorLog.allow(location) >= 0)
      this.options.log.error(
        { code: 'RULE3001', rule: location, err: describeError(error) },
        'rule action failed',
      )
  }
}
