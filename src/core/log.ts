import { isatty } from 'node:tty'
import { type DestinationStream, type Logger, pino } from 'pino'
import type { Clock } from './clock.ts'
import { NutshellError } from './errors.ts'
import { formatLogLine } from './log-format.ts'

export type { Logger }

/** pino's levels, quietest last; `silent` logs nothing. */
export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const
export type LogLevel = (typeof logLevels)[number]

/** `auto`: text on a terminal, JSON lines otherwise. */
export const logFormats = ['auto', 'text', 'json'] as const
export type LogFormat = (typeof logFormats)[number]

export function isLogLevel(text: string): text is LogLevel {
  return (logLevels as readonly string[]).includes(text)
}

export function isLogFormat(text: string): text is LogFormat {
  return (logFormats as readonly string[]).includes(text)
}

export interface LoggerOptions {
  level?: string
  /** Default: $NUTSHELL_LOG_FORMAT, else auto. */
  format?: LogFormat
  /** File descriptor to write to; 2 (stderr) by default. */
  fd?: number
  /** Environment read for the defaults and NO_COLOR (tests pass their own). */
  env?: NodeJS.ProcessEnv
}

/**
 * The structured logger, on stderr so stdout stays free for command output. A person at
 * a terminal reads the text format (log-format.ts, coloured unless NO_COLOR is set); a
 * pipe, a file or journald gets one JSON object per line. Both are written synchronously,
 * so the last lines before an exit are never lost.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const env = options.env ?? process.env
  const level = options.level ?? env['NUTSHELL_LOG_LEVEL'] ?? 'info'
  if (!isLogLevel(level)) {
    const from = options.level === undefined ? 'NUTSHELL_LOG_LEVEL' : 'log level'
    throw new NutshellError(
      'NS_USAGE',
      `${from} '${level}' is not a level; use one of ${logLevels.join(', ')}`,
    )
  }
  const format = options.format ?? formatFromEnv(env)
  const fd = options.fd ?? 2
  const sink = pino.destination({ fd, sync: true })
  const text = format === 'text' || (format === 'auto' && isatty(fd))
  if (!text) return pino({ level, base: null }, sink)
  const color = isatty(fd) && (env['NO_COLOR'] ?? '') === ''
  const stream: DestinationStream = {
    write: (line: string) => {
      sink.write(formatLogLine(line, { color }))
    },
  }
  return pino({ level, base: null }, stream)
}

function formatFromEnv(env: NodeJS.ProcessEnv): LogFormat {
  const value = env['NUTSHELL_LOG_FORMAT']
  return value !== undefined && isLogFormat(value) ? value : 'auto'
}

/**
 * A child logger bound to the fields its parent does not already carry, so a line never
 * holds the same key twice (pino writes a child's bindings and the call's fields side by
 * side: `{"device":"ups1",...,"device":"ups1"}`).
 */
export function bindOnce(log: Logger, fields: Record<string, unknown>): Logger {
  const bound = log.bindings()
  const missing = Object.fromEntries(Object.entries(fields).filter(([key]) => !(key in bound)))
  return Object.keys(missing).length === 0 ? log : log.child(missing)
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
