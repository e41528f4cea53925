/**
 * NUT's notify events (ONLINE, ONBATT, LOWBATT, ...) derived from a device's successive
 * `ups.status` values and communication results, with upsmon's semantics
 * (reference: nut-protocol.md 3.3 and 3.6). Shared by the monitor and the rules engine so
 * that both see exactly the same events at the same moments.
 *
 * Pure: no timers, no I/O. The caller passes the time in (monotonic milliseconds) and
 * keeps the returned state; every function returns a NEW state and the events to notify,
 * in the order upsmon would notify them.
 *
 * Usage:
 * ```ts
 * let s = initialNotifyState(clock.now())
 * ;({ state: s, events } = applyStatus(s, 'OB DISCHRG', clock.now()))   // -> ['ONBATT']
 * ;({ state: s, events } = applyComm(s, false, clock.now()))            // -> ['COMMBAD']
 * // repeating events (NOCOMM, REPLBATT) need a poke while nothing changes:
 * const due = nextTickDue(s)             // monotonic ms, or undefined: nothing pending
 * ;({ state: s, events } = tick(s, due)) // -> ['NOCOMM'] when it is time
 * ```
 *
 * Semantics kept from upsmon 2.8.0:
 * - ONLINE is not notified for the first OL since start; ONBATT is (also at startup).
 * - LOWBATT, FSD, CAL: notified when the flag first appears; the LB/FSD flags are cleared
 *   when the substring `LB` / `FSD` is absent from the status (upsmon's plain substring
 *   test), so the next appearance notifies again.
 * - REPLBATT: immediately on the first RB, then again while RB stays, at most every
 *   `rbWarnTime` (default 43200 s): call `tick` (or pass a status) to get the repeats.
 * - COMMOK: on a success after a failure, not on the very first success since start.
 *   COMMBAD: on the first failure after a success, and on a failure at startup.
 *   NOCOMM: once `now - lastSuccess >= noCommWarnTime` while failing, then again every
 *   `noCommWarnTime` (default 300 s).
 * From NUT's master branch (the brief asks for them): NOTCAL, OFF/NOTOFF,
 * BYPASS/NOTBYPASS, ECO/NOTECO, ALARM/NOTALARM, OVER/NOTOVER, TRIM/NOTTRIM,
 * BOOST/NOTBOOST, OTHER/NOTOTHER (OTHER when the set of unknown tokens changes to a
 * non-empty set, NOTOTHER when it becomes empty). HB, CHRG, DISCHRG and WAIT are accepted
 * silently. Tokens are compared without regard to case.
 *
 * Not here (they belong to the monitor's policy, 3.4/3.5): DEADTIME's LB promotion,
 * the critical rule, SHUTDOWN, NOPARENT, SHUTDOWN_HOSTSYNC.
 *
 * The FSD latch of a local device: pass the status as upsd serves it, i.e. with `FSD`
 * prefixed while the latch is set (devices/status.ts `withFsdPrefix`).
 */

import { notifyTypes280, notifyTypesMaster } from '../protocol/nut-config/notify-types.ts'

/** Every notify event type: NUT 2.8.0's and those NUT's master branch added. */
export const notifyEventNames = [...notifyTypes280, ...notifyTypesMaster] as const

/** Every notify event type the monitor can raise (2.8.0 plus NUT master's additions). */
export type NotifyEvent = (typeof notifyEventNames)[number]

export function isNotifyEvent(word: string): word is NotifyEvent {
  return (notifyEventNames as readonly string[]).includes(word)
}

/** Flags with a NAME / NOTNAME pair of events, in the order they are checked. */
const pairedFlags = ['OFF', 'BYPASS', 'ECO', 'ALARM', 'OVER', 'TRIM', 'BOOST'] as const
type PairedFlag = (typeof pairedFlags)[number]

/** Tokens upsmon accepts without an event of their own. */
const silentTokens = new Set(['HB', 'CHRG', 'DISCHRG', 'WAIT'])
const handledTokens = new Set<string>(['OL', 'OB', 'LB', 'RB', 'CAL', 'FSD', ...pairedFlags])

export interface NotifyOptions {
  /** REPLBATT repeat interval in ms (upsmon RBWARNTIME, default 43200 s). */
  rbWarnTime: number
  /** NOCOMM threshold and repeat interval in ms (upsmon NOCOMMWARNTIME, default 300 s). */
  noCommWarnTime: number
}

export const defaultNotifyOptions: NotifyOptions = {
  rbWarnTime: 43_200_000,
  noCommWarnTime: 300_000,
}

export interface NotifyState {
  /** upsmon's linestate: `unknown` until the first OL or OB (its -1). */
  readonly line: 'unknown' | 'online' | 'onbatt'
  readonly lowBattery: boolean
  readonly fsd: boolean
  readonly calibrating: boolean
  /** Replace battery currently reported. */
  readonly replaceBattery: boolean
  readonly flags: Readonly<Record<PairedFlag, boolean>>
  /** Unknown status tokens (upper case, sorted) as last seen. */
  readonly other: readonly string[]
  /** upsmon's commstate: `unknown` before the first poll result (its -1). */
  readonly comm: 'unknown' | 'ok' | 'bad'
  /** Monotonic ms of the last successful poll (or of start, before any). */
  readonly lastSuccess: number
  readonly lastReplbatt: number | undefined
  readonly lastNocomm: number | undefined
  /** Monotonic ms when the device last was not critical (!OB or !LB or CAL), for HOSTSYNC. */
  readonly lastNonCritical: number
  /** The last status applied, as given. */
  readonly status: string | undefined
}

export interface NotifyResult {
  state: NotifyState
  events: NotifyEvent[]
}

/** The state of a device upsmon has just started to watch. */
export function initialNotifyState(now: number): NotifyState {
  return {
    line: 'unknown',
    lowBattery: false,
    fsd: false,
    calibrating: false,
    replaceBattery: false,
    flags: {
      OFF: false,
      BYPASS: false,
      ECO: false,
      ALARM: false,
      OVER: false,
      TRIM: false,
      BOOST: false,
    },
    other: [],
    comm: 'unknown',
    lastSuccess: now,
    lastReplbatt: undefined,
    lastNocomm: undefined,
    lastNonCritical: now,
    status: undefined,
  }
}

/**
 * A new `ups.status` value was read (a successful poll). Returns the events upsmon would
 * notify, in its order: the tokens are walked left to right, then the flags that went
 * away give their NOT* events. An empty status is "gone" for upsmon: treat it as a
 * communication failure (`applyComm(state, false, now)`) instead of calling this.
 */
export function applyStatus(
  state: NotifyState,
  status: string,
  now: number,
  options: NotifyOptions = defaultNotifyOptions,
): NotifyResult {
  const events: NotifyEvent[] = []
  const tokens = status
    .split(/\s+/)
    .filter((t) => t.length > 0)
    .map((t) => t.toUpperCase())
  const present = new Set(tokens)
  let line = state.line
  // upsmon clears these by a plain substring test before walking the tokens.
  let lowBattery = state.lowBattery && status.includes('LB')
  let fsd = state.fsd && status.includes('FSD')
  let calibrating = state.calibrating
  let lastReplbatt = state.lastReplbatt
  let lastNonCritical = state.lastNonCritical
  const flags = { ...state.flags }
  for (const token of tokens) {
    switch (token) {
      case 'OL':
        if (line !== 'online') {
          if (line !== 'unknown') events.push('ONLINE')
          line = 'online'
        }
        break
      case 'OB':
        if (line !== 'onbatt') {
          events.push('ONBATT')
          line = 'onbatt'
        }
        break
      case 'LB':
        if (!lowBattery) {
          events.push('LOWBATT')
          lowBattery = true
        }
        break
      case 'RB':
        if (lastReplbatt === undefined || now - lastReplbatt > options.rbWarnTime) {
          events.push('REPLBATT')
          lastReplbatt = now
        }
        break
      case 'CAL':
        if (!calibrating) {
          events.push('CAL')
          calibrating = true
        }
        break
      case 'FSD':
        if (!fsd) {
          events.push('FSD')
          fsd = true
        }
        break
      default:
        if (isPairedFlag(token) && !flags[token]) {
          events.push(token)
          flags[token] = true
        }
    }
    if (line !== 'onbatt' || !lowBattery || calibrating) lastNonCritical = now
  }
  if (calibrating && !present.has('CAL')) {
    events.push('NOTCAL')
    calibrating = false
  }
  for (const flag of pairedFlags) {
    if (flags[flag] && !present.has(flag)) {
      events.push(`NOT${flag}`)
      flags[flag] = false
    }
  }
  const other = [...present].filter((t) => !handledTokens.has(t) && !silentTokens.has(t)).sort()
  if (other.length > 0 && !sameList(other, state.other)) events.push('OTHER')
  else if (other.length === 0 && state.other.length > 0) events.push('NOTOTHER')
  const success = applyComm(state, true, now)
  return {
    state: {
      ...success.state,
      line,
      lowBattery,
      fsd,
      calibrating,
      replaceBattery: present.has('RB'),
      flags,
      other,
      lastReplbatt,
      lastNonCritical,
      status,
    },
    // COMMOK comes first: upsmon notes the successful poll before parsing the status.
    events: [...success.events, ...events],
  }
}

/**
 * The result of a poll: `ok` true for a successful read (or the device's comm state
 * becoming `ok`), false for a failure (`stale` or `lost`). Gives COMMOK / COMMBAD, and
 * NOCOMM when the failure has lasted long enough.
 */
export function applyComm(
  state: NotifyState,
  ok: boolean,
  now: number,
  options: NotifyOptions = defaultNotifyOptions,
): NotifyResult {
  if (ok) {
    const events: NotifyEvent[] = state.comm === 'bad' ? ['COMMOK'] : []
    return { state: { ...state, comm: 'ok', lastSuccess: now, lastNocomm: undefined }, events }
  }
  const events: NotifyEvent[] = []
  let next: NotifyState = state
  if (state.comm !== 'bad') {
    events.push('COMMBAD')
    next = { ...state, comm: 'bad' }
  }
  const nocomm = tick(next, now, options)
  return { state: nocomm.state, events: [...events, ...nocomm.events] }
}

/**
 * Time passed with nothing new: gives the repeating events that are due at `now`
 * (NOCOMM while communication is bad, REPLBATT while RB stays reported).
 */
export function tick(
  state: NotifyState,
  now: number,
  options: NotifyOptions = defaultNotifyOptions,
): NotifyResult {
  const events: NotifyEvent[] = []
  let next = state
  if (
    state.comm === 'bad' &&
    now - state.lastSuccess >= options.noCommWarnTime &&
    (state.lastNocomm === undefined || now - state.lastNocomm > options.noCommWarnTime)
  ) {
    events.push('NOCOMM')
    next = { ...next, lastNocomm: now }
  }
  if (
    state.replaceBattery &&
    state.comm !== 'bad' &&
    state.lastReplbatt !== undefined &&
    now - state.lastReplbatt > options.rbWarnTime
  ) {
    events.push('REPLBATT')
    next = { ...next, lastReplbatt: now }
  }
  return { state: next, events }
}

/**
 * When `tick` should next be called to catch a repeating event (monotonic ms), or
 * undefined when nothing repeats. Schedule one clock timer for it; re-ask after each
 * apply/tick, since the answer changes with the state.
 */
export function nextTickDue(
  state: NotifyState,
  options: NotifyOptions = defaultNotifyOptions,
): number | undefined {
  const candidates: number[] = []
  if (state.comm === 'bad') {
    candidates.push(
      state.lastNocomm === undefined
        ? state.lastSuccess + options.noCommWarnTime
        : state.lastNocomm + options.noCommWarnTime + 1,
    )
  }
  if (state.replaceBattery && state.comm !== 'bad' && state.lastReplbatt !== undefined) {
    candidates.push(state.lastReplbatt + options.rbWarnTime + 1)
  }
  return candidates.length === 0 ? undefined : Math.min(...candidates)
}

function isPairedFlag(token: string): token is PairedFlag {
  return (pairedFlags as readonly string[]).includes(token)
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
