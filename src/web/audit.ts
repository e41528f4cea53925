/**
 * The audit trail of the web face: every action (command, SET, outlet switch, login and
 * logout) with who asked and from where, to the log and to the live stream, and the last
 * few hundred kept for `GET /api/audit`.
 */
import type { Clock } from '../core/clock.ts'
import type { Logger } from '../core/log.ts'
import type { LiveHub } from './live/live-hub.ts'

export interface AuditEntry {
  time: string
  user: string
  address: string
  action: string
  device?: string
  target?: string
  value?: string
  result: string
}

export class AuditLog {
  private readonly entries: AuditEntry[] = []
  private readonly clock: Clock
  private readonly log: Logger
  private readonly hub: LiveHub
  private readonly keep: number

  constructor(options: { clock: Clock; log: Logger; hub: LiveHub; keep?: number }) {
    this.clock = options.clock
    this.log = options.log
    this.hub = options.hub
    this.keep = options.keep ?? 500
  }

  record(entry: Omit<AuditEntry, 'time'>): AuditEntry {
    const full: AuditEntry = { time: new Date(this.clock.wallNow()).toISOString(), ...entry }
    this.entries.push(full)
    if (this.entries.length > this.keep) this.entries.shift()
    this.log.info({ audit: full }, `web ${entry.action} by ${entry.user} from ${entry.address}`)
    this.hub.publish('audit', full)
    return full
  }

  recent(): AuditEntry[] {
    return [...this.entries]
  }
}
