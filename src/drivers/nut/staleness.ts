import type { CommState } from '../../devices/device.ts'

/**
 * What upsd knows about one driver connection, and the verdict it draws from it
 * (reference: nut-protocol.md 2.5). Times are monotonic milliseconds.
 */
export interface LinkFacts {
  connected: boolean
  /** When the last recognised message arrived (or the connection was made). */
  lastHeard: number
  /** A DUMPDONE has ended the dump that followed the connection. */
  dumpDone: boolean
  /** The last validity message was DATAOK (false: DATASTALE, or none yet). */
  dataOk: boolean
  /** Until when the link is distrusted after garbage or a flood (0: never was). */
  distrustedUntil: number
  /** A resynchronising dump is running after garbage; its data is not trusted yet. */
  resyncing: boolean
}

export type StaleReason = 'not-connected' | 'silent' | 'driver-says-stale' | 'garbage'

export interface Verdict {
  state: CommState
  reason: StaleReason | undefined
}

/**
 * upsd's rule: no connection → lost; silent for more than MAXAGE → stale; after the dump,
 * a driver that has not said DATAOK (or said DATASTALE last) → stale. upsd compares whole
 * seconds (time()) once per main-loop pass, so in practice it says stale somewhere between
 * MAXAGE and MAXAGE + 2 s of silence; we compare milliseconds at the exact moment, which is
 * never later than upsd and keeps the promise "stale within MAXAGE + 1 s of the fault" (a
 * live driver answers PING every MAXAGE/3, so silence cannot start before the fault). Before its
 * DUMPDONE a fresh connection counts as fresh (clients see `ups.status` WAIT).
 * Our addition: a driver caught sending garbage or flooding is stale while distrusted.
 */
export function judge(facts: LinkFacts, now: number, maxAgeMs: number): Verdict {
  if (!facts.connected) return { state: 'lost', reason: 'not-connected' }
  if (now - facts.lastHeard > maxAgeMs) return { state: 'stale', reason: 'silent' }
  if (now < facts.distrustedUntil || facts.resyncing) return { state: 'stale', reason: 'garbage' }
  if (facts.dumpDone && !facts.dataOk) return { state: 'stale', reason: 'driver-says-stale' }
  return { state: 'ok', reason: undefined }
}

/** When the verdict could next change by time alone (undefined: only a message changes it). */
export function nextDeadline(facts: LinkFacts, now: number, maxAgeMs: number): number | undefined {
  if (!facts.connected) return undefined
  const deadlines: number[] = []
  const silentAt = facts.lastHeard + maxAgeMs + 1
  if (silentAt > now) deadlines.push(silentAt)
  if (facts.distrustedUntil > now) deadlines.push(facts.distrustedUntil)
  return deadlines.length === 0 ? undefined : Math.min(...deadlines)
}

/** upsd prods a quiet driver: PING once a third of MAXAGE has passed in silence. */
export function shouldPing(
  lastHeard: number,
  lastPing: number,
  now: number,
  maxAgeMs: number,
): boolean {
  const third = maxAgeMs / 3
  return now - lastHeard > third && now - lastPing > third
}
