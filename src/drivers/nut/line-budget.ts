/** Unknown messages tolerated per second before they count as garbage (newer drivers). */
const unknownPerSecond = 5

/**
 * How many lines a driver may send per second, and how many unknown ones: past either
 * budget the link treats the driver as flooding or babbling. Time is the caller's
 * monotonic clock.
 */
export class LineBudget {
  private readonly maxLinesPerSecond: number
  private start = 0
  private lines = 0
  private unknown = 0
  private flagged = false

  constructor(maxLinesPerSecond: number) {
    this.maxLinesPerSecond = maxLinesPerSecond
  }

  /**
   * Counts one line. `ok`: process it. `drop`: over budget, already reported this second.
   * `flood`: over budget, report it (once per second).
   */
  take(now: number): 'ok' | 'drop' | 'flood' {
    if (now - this.start >= 1000) this.reset(now)
    if (++this.lines <= this.maxLinesPerSecond) return 'ok'
    if (this.flagged) return 'drop'
    this.flagged = true
    return 'flood'
  }

  /** Counts one unknown message; false once there were too many this second. */
  tolerateUnknown(): boolean {
    return ++this.unknown <= unknownPerSecond
  }

  /** A fresh second starts now (a resync's dump must not be dropped with the flood). */
  reset(now: number): void {
    this.start = now
    this.lines = 0
    this.unknown = 0
    this.flagged = false
  }
}
