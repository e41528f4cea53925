import type { Clock } from '../../core/clock.ts'
import { bindOnce, type Logger } from '../../core/log.ts'
import type { StaleReason, Verdict } from './staleness.ts'

const reasonText: Record<StaleReason, string> = {
  'not-connected': 'driver not connected',
  silent: 'driver silent for longer than MAXAGE',
  'driver-says-stale': 'driver reports its data as stale',
  garbage: 'driver sent garbage or flooded; data distrusted',
}

/**
 * At most two log lines per outage, however much it flaps inside: one when the data stops
 * being usable, one when it is back (with how long it was gone). Everything in between
 * (reconnect attempts, lost↔stale) goes to debug.
 */
export class OutageLog {
  private readonly log: Logger
  private readonly clock: Clock
  /** The socket path, when known: the first line before any contact names it. */
  private readonly socket: unknown
  private since: number | undefined
  private everUp = false

  constructor(log: Logger, clock: Clock, what: Record<string, unknown>) {
    // The caller's logger may carry `device` already: bind only what it lacks.
    this.log = bindOnce(log, what)
    this.clock = clock
    this.socket = what['socket']
  }

  update(verdict: Verdict, detail?: string): void {
    const now = this.clock.now()
    if (verdict.state === 'ok') {
      if (this.since !== undefined || !this.everUp) {
        const downMs = this.since === undefined ? undefined : Math.round(now - this.since)
        this.log.info({ downMs }, this.everUp ? 'driver data usable again' : 'attached to driver')
      }
      this.since = undefined
      this.everUp = true
      return
    }
    const reason = verdict.reason ?? 'not-connected'
    if (this.since !== undefined) return
    this.since = now
    this.log.warn(
      { state: verdict.state, reason, detail },
      this.everUp ? reasonText[reason] : this.waitingText(reason, detail),
    )
  }

  /** Before the first contact the likely cause is a driver not started yet: say so. */
  private waitingText(reason: StaleReason, detail: string | undefined): string {
    const socket = this.socket
    if (reason === 'not-connected' && typeof socket === 'string' && detail !== undefined) {
      if (detail.includes('ENOENT'))
        return `driver socket ${socket} not there yet (is the driver running?)`
      if (detail.includes('ECONNREFUSED'))
        return `driver socket ${socket} refuses connections (is the driver running?)`
    }
    return `waiting for driver: ${reasonText[reason]}`
  }

  /** Something worth a debug line only (a violation while already down, a retry...). */
  debug(message: string, detail?: Record<string, unknown>): void {
    this.log.debug(detail ?? {}, message)
  }
}
