import { randomUUID } from 'node:crypto'
import type { Clock, TimerHandle } from '../../core/clock.ts'
import { type CommandOutcome, outcomeFromDriverCode } from '../../devices/command-result.ts'

interface Pending {
  resolve: (outcome: CommandOutcome) => void
  timer: TimerHandle
}

/**
 * SET and INSTCMD requests sent to a driver with a TRACKING id, waiting for the driver's
 * `TRACKING <id> <code>`. Each request settles exactly once: with the driver's result,
 * with `ERR UNKNOWN` when no result comes in time (a pre-2.8 driver never answers) or when
 * the link drops before the answer.
 */
export class PendingResults {
  private readonly pending = new Map<string, Pending>()
  private readonly clock: Clock
  private readonly timeoutMs: number
  /** At most this many requests wait at once; more are refused (a stuck driver). */
  private readonly limit: number

  constructor(clock: Clock, timeoutMs: number, limit = 1000) {
    this.clock = clock
    this.timeoutMs = timeoutMs
    this.limit = limit
  }

  /** A new id (upsd's form: an upper-case UUID) and the promise of its outcome. */
  open(): { id: string; outcome: Promise<CommandOutcome> } | undefined {
    if (this.pending.size >= this.limit) return undefined
    const id = randomUUID().toUpperCase()
    const outcome = new Promise<CommandOutcome>((resolve) => {
      const timer = this.clock.setTimeout(() => this.settle(id, 'ERR UNKNOWN'), this.timeoutMs)
      this.pending.set(id, { resolve, timer })
    })
    return { id, outcome }
  }

  /** The driver's answer; false when the id is not ours (or already settled). */
  complete(id: string, code: number): boolean {
    return this.settle(id, outcomeFromDriverCode(code))
  }

  settle(id: string, outcome: CommandOutcome): boolean {
    // Ids are ours, upper case; upsd matches them without regard to case.
    const key = id.toUpperCase()
    const entry = this.pending.get(key)
    if (entry === undefined) return false
    this.pending.delete(key)
    entry.timer.cancel()
    entry.resolve(outcome)
    return true
  }

  /** The link is gone: nobody will answer these. */
  settleAll(outcome: CommandOutcome): void {
    for (const id of [...this.pending.keys()]) this.settle(id, outcome)
  }

  get size(): number {
    return this.pending.size
  }
}
