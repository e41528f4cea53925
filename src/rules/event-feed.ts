import type { Clock, TimerHandle } from '../core/clock.ts'
import type { CommState, Device } from '../devices/device.ts'
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
} from '../devices/notify-events.ts'
import { readVariable } from './compile-expr.ts'

/**
 * Notify events from the DeviceStore, per device, with the monitor's own derivation
 * (devices/notify-events.ts): a status read while the link is ok is a successful poll,
 * a comm state other than ok a failed one; NOCOMM and REPLBATT repeats come from one
 * clock timer per device.
 */
export class EventFeed {
  private readonly states = new Map<string, { state: NotifyState; tick: TimerHandle | undefined }>()
  private readonly clock: Clock
  private readonly options: NotifyOptions
  private readonly emit: (device: Device, event: NotifyEvent) => void

  constructor(
    clock: Clock,
    options: NotifyOptions | undefined,
    emit: (device: Device, event: NotifyEvent) => void,
  ) {
    this.clock = clock
    this.options = options ?? defaultNotifyOptions
    this.emit = emit
  }

  /** ups.status changed (or the FSD latch, which shows in it). */
  statusChanged(device: Device): void {
    if (device.commState !== 'ok') return
    const status = readVariable(device, 'ups.status')
    if (status === undefined || status.trim() === '') return
    this.apply(device, (state, now, opts) => applyStatus(state, status, now, opts))
  }

  commChanged(device: Device, previous: CommState): void {
    if (device.commState === 'ok') {
      const status = readVariable(device, 'ups.status')
      if (status !== undefined && status.trim() !== '')
        this.apply(device, (state, now, opts) => applyStatus(state, status, now, opts))
      else this.apply(device, (state, now, opts) => applyComm(state, true, now, opts))
      return
    }
    // The link was good until this moment: upsmon would have polled it successfully
    // moments ago, so NOCOMM counts from here, not from the last status change.
    const wasOk = previous === 'ok'
    this.apply(device, (state, now, opts) =>
      applyComm(
        wasOk && state.comm === 'ok' ? applyComm(state, true, now, opts).state : state,
        false,
        now,
        opts,
      ),
    )
  }

  /** The per-device states, for a reload to carry over (no second ONBATT for one outage). */
  exportStates(): Map<string, NotifyState> {
    return new Map([...this.states].map(([key, entry]) => [key, entry.state]))
  }

  /** Takes over states from the engine a reload replaces, with their repeat timers. */
  adoptStates(
    states: ReadonlyMap<string, NotifyState>,
    lookup: (key: string) => Device | undefined,
  ): void {
    for (const [key, state] of states) {
      this.states.set(key, { state, tick: undefined })
      const device = lookup(key)
      if (device !== undefined) this.apply(device, (s) => ({ state: s, events: [] }))
    }
  }

  forget(key: string): void {
    this.states.get(key)?.tick?.cancel()
    this.states.delete(key)
  }

  stop(): void {
    for (const entry of this.states.values()) entry.tick?.cancel()
    this.states.clear()
  }

  private apply(
    device: Device,
    step: (s: NotifyState, now: number, o: NotifyOptions) => NotifyResult,
  ): void {
    const key = device.name.toLowerCase()
    const now = this.clock.now()
    let entry = this.states.get(key)
    if (entry === undefined) {
      entry = { state: initialNotifyState(now), tick: undefined }
      this.states.set(key, entry)
    }
    const result = step(entry.state, now, this.options)
    entry.state = result.state
    entry.tick?.cancel()
    entry.tick = undefined
    const due = nextTickDue(result.state, this.options)
    if (due !== undefined) {
      const current = entry
      entry.tick = this.clock.setTimeout(
        () => {
          current.tick = undefined
          this.apply(device, (s, t, o) => tick(s, t, o))
        },
        Math.max(0, due - now),
      )
    }
    for (const event of result.events) this.emit(device, event)
  }
}
