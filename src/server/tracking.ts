/**
 * NUT's TRACKING table: each SET or INSTCMD forwarded for a client with tracking on gets
 * an id (UUIDv4, upper-case hex as upsd prints it), PENDING until the driver answers.
 * Results are global (any tracking client may read any id) and are forgotten after
 * TRACKINGDELAY.
 */
import { randomUUID } from 'node:crypto'
import type { Clock } from '../core/clock.ts'
import type { CommandOutcome } from '../devices/command-result.ts'

export type TrackingResult = 'PENDING' | CommandOutcome

interface Entry {
  result: TrackingResult
  created: number
}

export class TrackingTable {
  private readonly entries = new Map<string, Entry>()
  private readonly clock: Clock
  private readonly keepMs: number
  /** Bound on entries kept, so a client cannot grow the table without end. */
  private readonly maxEntries: number

  constructor(clock: Clock, keepMs: number, maxEntries = 100_000) {
    this.clock = clock
    this.keepMs = keepMs
    this.maxEntries = maxEntries
  }

  /** A new PENDING id; `outcome` fills it in when it settles. */
  track(outcome: Promise<CommandOutcome>): string {
    this.purge()
    const id = randomUUID().toUpperCase()
    const entry: Entry = { result: 'PENDING', created: this.clock.now() }
    this.entries.set(id, entry)
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest === undefined) break
      this.entries.delete(oldest)
    }
    void outcome.then(
      (result) => {
        entry.result = result
      },
      () => {
        entry.result = 'ERR FAILED'
      },
    )
    return id
  }

  /** The result text for `GET TRACKING <id>` (ids match without regard to case). */
  lookup(id: string): TrackingResult | 'ERR UNKNOWN' {
    this.purge()
    return this.entries.get(id.toUpperCase())?.result ?? 'ERR UNKNOWN'
  }

  get size(): number {
    return this.entries.size
  }

  private purge(): void {
    const cutoff = this.clock.now() - this.keepMs
    // Entries are in creation order: stop at the first one still young enough.
    for (const [id, entry] of this.entries) {
      if (entry.created > cutoff) break
      this.entries.delete(id)
    }
  }
}
