import type { Clock } from '../core/clock.ts'

/**
 * Token buckets, one per request kind: a child that floods the pipe gets `burst` requests
 * at once and `perSecond` after that; the excess is counted and dropped, never queued.
 */
export class RateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()
  private readonly clock: Clock
  private readonly burst: number
  private readonly perSecond: number
  dropped = 0

  constructor(clock: Clock, burst: number, perSecond: number) {
    this.clock = clock
    this.burst = burst
    this.perSecond = perSecond
  }

  take(kind: string): boolean {
    const now = this.clock.now()
    const bucket = this.buckets.get(kind) ?? { tokens: this.burst, at: now }
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond,
    )
    bucket.at = now
    this.buckets.set(kind, bucket)
    if (bucket.tokens < 1) {
      this.dropped++
      return false
    }
    bucket.tokens -= 1
    return true
  }
}
