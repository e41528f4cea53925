import type { Clock, TimerHandle } from '../core/clock.ts'
import { describeError } from '../core/errors.ts'
import { type Logger, RateLimitedLog } from '../core/log.ts'
import type { CommState, Device, DeviceChange } from '../devices/device.ts'
import type { DeviceStore } from '../devices/device-store.ts'
import {
  applyComm,
  applyStatus,
  defaultNotifyOptions,
  initialNotifyState,
  type NotifyEvent,
  type NotifyOptions,
  type NotifyResult,
  type NotifyState,
  nextTickDue,
  tick,
} from '../monitor/notify-events.ts'
import type { ActionBody, ActionSink } from './action-sink.ts'
import type { Expr, Rule, RulesFile } from './ast.ts'
import {
  type ActionContext,
  type ActionHost,
  type CompiledAction,
  compileActions,
  request,
} from './compile-actions.ts'
import {
  type Compiled,
  collectReads,
  compileExpr,
  type EvalContext,
  readVariable,
} from './compile-expr.ts'
import type { SourceFile } from './source.ts'

/**
 * The incremental evaluator. It subscribes to the DeviceStore; a change to one variable
 * re-evaluates only the `when` rules that read it (rules are indexed by variable name),
 * for the one device that changed. Notify events are derived per device with the
 * monitor's own module (monitor/notify-events.ts) and run the `on` rules. Every timer
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

export interface LoadedFile {
  source: SourceFile
  file: RulesFile
}

type Phase = 'idle' | 'pending' | 'fired' | 'clearing'
interface WhenInstance {
  phase: Phase
  timer: TimerHandle | undefined
}

interface WhenRule {
  location: string
  scope: string | undefined
  /** Only named devices are read: one instance, no device of its own. */
  global: boolean
  defaultDevice: string
  cond: Compiled
  /** Variables this rule reads only as `VAR has FLAG`, with their flags (upper case). */
  hasOnly: Map<string, Set<string>>
  holdMs: number
  body: CompiledAction[]
  otherwise: { cond: Compiled | undefined; holdMs: number; body: CompiledAction[] } | undefined
  hasElse: boolean
  /** Per device, by the engine's device slot (slot 0: the rule over named devices only). */
  instances: Array<WhenInstance | undefined>
}

interface OnRule {
  location: string
  scope: string | undefined
  events: Array<{ device: string | undefined; name: string }>
  body: CompiledAction[]
}

interface TimerRule {
  location: string
  scope: string | undefined
  body: CompiledAction[]
}

export class RulesEngine {
  private readonly options: EngineOptions
  private readonly host: ActionHost
  private readonly whenRules: WhenRule[] = []
  private readonly localIndex = new Map<string, WhenRule[]>()
  private readonly qualifiedIndex = new Map<string, WhenRule[]>()
  private readonly eventIndex = new Map<string, OnRule[]>()
  private readonly timerIndex = new Map<string, TimerRule[]>()
  private readonly timers = new Map<string, TimerHandle>()
  /** Device (lower-case name) → its index in every rule's `instances`; '' is slot 0. */
  private readonly slots = new Map<string, number>([['', 0]])
  private readonly notifyStates = new Map<
    string,
    { state: NotifyState; tick: TimerHandle | undefined }
  >()
  private readonly errorLog: RateLimitedLog
  private unsubscribe: (() => void) | undefined

  constructor(files: LoadedFile[], options: EngineOptions) {
    this.options = options
    this.errorLog = new RateLimitedLog(options.clock)
    this.host = {
      store: options.store,
      emit: (body, ctx) => this.emit(body, ctx),
      startTimer: (name, seconds, ctx) => this.startTimer(name, seconds, ctx),
      cancelTimer: (name, ctx) => this.cancelTimer(name, ctx),
    }
    for (const { source, file } of files)
      for (const rule of file.rules) this.compile(rule, source, undefined)
  }

  /** Subscribes to the store and evaluates every rule once against the current state. */
  start(): void {
    if (this.unsubscribe !== undefined) return
    this.unsubscribe = this.options.store.onChange((change) => this.onChange(change))
    for (const device of this.options.store.list()) {
      this.deriveInitial(device)
      for (const rule of this.whenRules) if (!rule.global) this.evaluateFor(rule, device)
    }
    for (const rule of this.whenRules) if (rule.global) this.evaluateFor(rule, undefined)
  }

  stop(): void {
    this.unsubscribe?.()
    this.unsubscribe = undefined
    for (const handle of this.timers.values()) handle.cancel()
    this.timers.clear()
    for (const rule of this.whenRules) {
      for (const instance of rule.instances) instance?.timer?.cancel()
      rule.instances.length = 0
    }
    for (const entry of this.notifyStates.values()) entry.tick?.cancel()
    this.notifyStates.clear()
  }

  /** Runs the `on` rules for an event raised elsewhere (the monitor's SHUTDOWN, ...). */
  injectEvent(deviceName: string, event: string): void {
    this.dispatch(this.options.store.get(deviceName), deviceName, event)
  }

  // ---- compiling -----------------------------------------------------------------

  private compile(rule: Rule, source: SourceFile, scope: string | undefined): void {
    const location = `${source.name}:${source.position(rule.span.start).line}`
    switch (rule.kind) {
      case 'device':
        for (const inner of rule.rules) this.compile(inner, source, rule.name.text.toLowerCase())
        return
      case 'on': {
        const on: OnRule = {
          location,
          scope,
          events: rule.events.map((e) => ({
            device: e.device?.toLowerCase(),
            name: e.name.toUpperCase(),
          })),
          body: compileActions(rule.body, this.host),
        }
        for (const event of new Set(on.events.map((e) => e.name))) push(this.eventIndex, event, on)
        return
      }
      case 'timer':
        push(this.timerIndex, rule.name.text, {
          location,
          scope,
          body: compileActions(rule.body, this.host),
        })
        return
      case 'when': {
        const reads = {
          local: new Set<string>(),
          qualified: new Set<string>(),
          devices: [] as string[],
        }
        collectReads(rule.cond, reads)
        if (rule.otherwise?.cond !== undefined) collectReads(rule.otherwise.cond, reads)
        const when: WhenRule = {
          location,
          scope,
          global: scope === undefined && reads.local.size === 0 && reads.qualified.size > 0,
          hasOnly: hasOnlyReads([rule.cond, rule.otherwise?.cond]),
          defaultDevice: reads.devices[0] ?? '',
          cond: compileExpr(rule.cond),
          holdMs: (rule.hold?.seconds ?? 0) * 1000,
          body: compileActions(rule.body, this.host),
          otherwise:
            rule.otherwise === undefined
              ? undefined
              : {
                  cond:
                    rule.otherwise.cond === undefined
                      ? undefined
                      : compileExpr(rule.otherwise.cond),
                  holdMs: (rule.otherwise.hold?.seconds ?? 0) * 1000,
                  body: compileActions(rule.otherwise.body, this.host),
                },
          hasElse: rule.otherwise !== undefined,
          instances: [],
        }
        this.whenRules.push(when)
        for (const name of reads.local) push(this.localIndex, name, when)
        for (const key of reads.qualified) push(this.qualifiedIndex, key, when)
        return
      }
    }
  }

  // ---- store events ----------------------------------------------------------------

  private onChange(change: DeviceChange): void {
    const store = this.options.store
    switch (change.kind) {
      case 'variable':
      case 'variable-removed': {
        const device = store.get(change.device)
        const name = change.name.toLowerCase()
        const value = change.kind === 'variable' ? change.value : undefined
        this.variableChanged(device, change.device, name, { previous: change.previous, value })
        if (name === 'ups.status' && device !== undefined) this.statusChanged(device)
        return
      }
      case 'fsd': {
        const device = store.get(change.device)
        this.variableChanged(device, change.device, 'ups.status')
        if (device !== undefined) this.statusChanged(device)
        return
      }
      case 'comm': {
        const device = store.get(change.device)
        this.variableChanged(device, change.device, 'comm')
        if (device !== undefined) this.commChanged(device, change.previous)
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
      for (const rule of local) {
        const flags = rule.hasOnly.get(name)
        if (flags !== undefined && flagChanged !== undefined && !flagChanged.anyChanged(flags))
          continue
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
    this.notifyStates.get(key)?.tick?.cancel()
    this.notifyStates.delete(key)
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
    if (this.options.deriveEvents === false) return
    if (device.commState === 'ok') this.statusChanged(device)
  }

  private statusChanged(device: Device): void {
    if (this.options.deriveEvents === false || device.commState !== 'ok') return
    const status = readVariable(device, 'ups.status')
    if (status === undefined || status.trim() === '') return
    this.applyNotify(device, (state, now, opts) => applyStatus(state, status, now, opts))
  }

  private commChanged(device: Device, previous: CommState): void {
    if (this.options.deriveEvents === false) return
    if (device.commState === 'ok') {
      const status = readVariable(device, 'ups.status')
      if (status !== undefined && status.trim() !== '')
        this.applyNotify(device, (state, now, opts) => applyStatus(state, status, now, opts))
      else this.applyNotify(device, (state, now, opts) => applyComm(state, true, now, opts))
      return
    }
    // The link was good until this moment: upsmon would have polled it successfully
    // moments ago, so NOCOMM counts from here, not from the last status change.
    const wasOk = previous === 'ok'
    this.applyNotify(device, (state, now, opts) =>
      applyComm(
        wasOk && state.comm === 'ok' ? applyComm(state, true, now, opts).state : state,
        false,
        now,
        opts,
      ),
    )
  }

  private applyNotify(
    device: Device,
    step: (s: NotifyState, now: number, o: NotifyOptions) => NotifyResult,
  ): void {
    const key = device.name.toLowerCase()
    const now = this.options.clock.now()
    const opts = this.options.notify ?? defaultNotifyOptions
    let entry = this.notifyStates.get(key)
    if (entry === undefined) {
      entry = { state: initialNotifyState(now), tick: undefined }
      this.notifyStates.set(key, entry)
    }
    const result = step(entry.state, now, opts)
    entry.state = result.state
    entry.tick?.cancel()
    entry.tick = undefined
    const due = nextTickDue(result.state, opts)
    if (due !== undefined) {
      const current = entry
      entry.tick = this.options.clock.setTimeout(
        () => {
          current.tick = undefined
          this.applyNotify(device, (s, t, o) => tick(s, t, o))
        },
        Math.max(0, due - now),
      )
    }
    for (const event of result.events) this.dispatch(device, device.name, event)
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
    const key = `${ctx.deviceName.toLowerCase()}\u0000${name}`
    this.timers.get(key)?.cancel()
    this.emit({ action: 'start-timer', timer: name, seconds }, ctx)
    const device = ctx.device
    const deviceName = ctx.deviceName
    this.timers.set(
      key,
      this.options.clock.setTimeout(() => {
        this.timers.delete(key)
        for (const rule of this.timerIndex.get(name) ?? []) {
          if (rule.scope !== undefined && rule.scope !== deviceName.toLowerCase()) continue
          this.run(rule.body, this.context(rule.location, deviceName, device, name))
        }
      }, seconds * 1000),
    )
  }

  private cancelTimer(name: string, ctx: ActionContext): boolean {
    const key = `${ctx.deviceName.toLowerCase()}\u0000${name}`
    const handle = this.timers.get(key)
    handle?.cancel()
    this.timers.delete(key)
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

/** Which flags of a has-only variable changed between two values (computed lazily). */
class FlagDiff {
  private readonly before: Set<string>
  private readonly after: Set<string>

  constructor(before: string | undefined, after: string | undefined) {
    this.before = words(before)
    this.after = words(after)
  }

  anyChanged(flags: Set<string>): boolean {
    for (const flag of flags) if (this.before.has(flag) !== this.after.has(flag)) return true
    return false
  }
}

function words(value: string | undefined): Set<string> {
  const set = new Set<string>()
  if (value === undefined) return set
  for (const w of value.split(/\s+/)) if (w !== '') set.add(w.toUpperCase())
  return set
}

/** Unqualified variables read only as `VAR has FLAG` (a flag word or a string). */
function hasOnlyReads(exprs: Array<Expr | undefined>): Map<string, Set<string>> {
  const flags = new Map<string, Set<string> | null>()
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'var':
        if (e.device === undefined) flags.set(e.name.toLowerCase(), null)
        return
      case 'unary':
        walk(e.operand)
        return
      case 'binary': {
        const right = e.right
        if (
          e.op === 'has' &&
          e.left.kind === 'var' &&
          e.left.device === undefined &&
          (right.kind === 'flag' || right.kind === 'string')
        ) {
          const name = e.left.name.toLowerCase()
          const known = flags.get(name)
          if (known === null) return
          const set = known ?? new Set<string>()
          set.add((right.kind === 'flag' ? right.name : right.value).toUpperCase())
          flags.set(name, set)
          return
        }
        walk(e.left)
        walk(right)
        return
      }
      default:
        return
    }
  }
  for (const e of exprs) if (e !== undefined) walk(e)
  const out = new Map<string, Set<string>>()
  for (const [name, set] of flags)
    if (set !== null && set !== undefined && !set.has('') && ![...set].some((f) => /\s/.test(f)))
      out.set(name, set)
  return out
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}
