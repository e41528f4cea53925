/**
 * Slows password guessing per source address. The first few failures cost nothing (a
 * typo should not hurt); after that each failure doubles the delay before that
 * connection's reply, up to a cap. Only the failing connection waits: the delay is applied
 * to its reply, never to the server. An address is forgiven after a quiet period.
 */
import type { Clock } from '../core/clock.ts'

export interface ThrottleSettings {
  freeFailures: number
  baseDelayMs: number
  maxDelayMs: number
  forgetAfterMs: number
  /** Addresses remembered at most; the oldest are dropped first. */
  maxAddresses: number
}

export const defaultThrottleSettings: ThrottleSettings = {
  freeFailures: 3,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  forgetAfterMs: 60_000,
  maxAddresses: 10_000,
}

interface Record {
  failures: number
  last: number
}

export class FailureThrottle {
  private readonly records = new Map<string, Record>()
  private readonly clock: Clock
  private readonly settings: ThrottleSettings

  constructor(clock: Clock, settings: Partial<ThrottleSettings> = {}) {
    this.clock = clock
    this.settings = { ...defaultThrottleSettings, ...settings }
  }

  /** Counts a failure from `address`; returns how long to hold back the reply (ms). */
  recordFailure(address: string): number {
    const now = this.clock.now()
    let record = this.records.get(address)
    if (record === undefined || now - record.last > this.settings.forgetAfterMs) {
      record = { failures: 0, last: now }
    }
    this.records.delete(address) // re-insert: the map stays in least-recent-first order
    record.failures++
    record.last = now
    this.records.set(address, record)
    while (this.records.size > this.settings.maxAddresses) {
      const oldest = this.records.keys().next().value
      if (oldest === undefined) break
      this.records.delete(oldest)
    }
    const over = record.failures - this.settings.freeFailures
    if (over <= 0) return 0
    return Math.min(
      this.settings.maxDelayMs,
      this.settings.baseDelayMs * 2 ** Math.min(over - 1, 20),
    )
  }

  failures(address: string): number {
    return this.records.get(address)?.failures ?? 0
  }
}
