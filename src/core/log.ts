import { type Logger, pino } from 'pino'
import type { Clock } from './clock.ts'

export type { Logger }

export interface LoggerOptions {
  level?: string
  /** File descriptor to write JSON lines to; 2 (stderr) by default. */
  fd?: number
}

/** The structured logger. JSON lines on stderr, so stdout stays free for command output. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    { level: options.level ?? process.env['NUTSHELL_LOG_LEVEL'] ?? 'info', base: null },
    pino.destination({ fd: options.fd ?? 2, sync: true }),
  )
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}

/**
 * Lets a repeating failure be logged at most `limit` times per `windowMs`, then once
 * more with the count of what was suppressed, so a flapping device cannot flood the log.
 */
export class RateLimitedLog {
  private readonly windows = new Map<string, { start: number; count: number; dropped: number }>()
  private readonly clock: Clock
  private readonly limit: number
  private readonly windowMs: number

  constructor(clock: Clock, limit = 5, windowMs = 60_000) {
    this.clock = clock
    this.limit = limit
    this.windowMs = windowMs
  }

  /** Returns how many earlier lines were suppressed (>= 0) if this one may be logged, else -1. */
  allow(key: string): number {
    const now = this.clock.now()
    let window = this.windows.get(key)
    if (window === undefined || now - window.start >= this.windowMs) {
      const dropped = window?.dropped ?? 0
      window = { start: now, count: 0, dropped: 0 }
      this.windows.set(key, window)
      window.count++
      return dropped
    }
    if (window.count < this.limit) {
      window.count++
      return 0
    }
    window.dropped++
    return -1
  }
}
