/**
 * Login sessions: a random id in an HttpOnly cookie, and a CSRF token per session that
 * the page sends back in a header on every state change (the double-submit pattern: the
 * token is also in a cookie the page's script can read). Bounded: the oldest sessions go
 * first past `maxSessions`; each ends `timeoutMs` after its last use.
 */
import { randomBytes } from 'node:crypto'
import type { Clock } from '../../core/clock.ts'
import type { Identity } from './directory.ts'

export interface Session {
  id: string
  csrf: string
  identity: Omit<Identity, 'via'>
  lastUsed: number
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>()
  private readonly clock: Clock
  private readonly timeoutMs: number
  private readonly maxSessions: number

  constructor(clock: Clock, timeoutMs: number, maxSessions = 10_000) {
    this.clock = clock
    this.timeoutMs = timeoutMs
    this.maxSessions = maxSessions
  }

  create(identity: Omit<Identity, 'via'>): Session {
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      csrf: randomBytes(24).toString('base64url'),
      identity,
      lastUsed: this.clock.now(),
    }
    this.sessions.set(session.id, session)
    while (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value
      if (oldest === undefined) break
      this.sessions.delete(oldest)
    }
    return session
  }

  /** The live session of that id (its use extends it), or undefined. */
  get(id: string): Session | undefined {
    const session = this.sessions.get(id)
    if (session === undefined) return undefined
    const now = this.clock.now()
    if (now - session.lastUsed > this.timeoutMs) {
      this.sessions.delete(id)
      return undefined
    }
    session.lastUsed = now
    // Re-insert so that the map stays least-recently-used first.
    this.sessions.delete(id)
    this.sessions.set(id, session)
    return session
  }

  delete(id: string): void {
    this.sessions.delete(id)
  }

  /** Ends every session of users no longer known (after a reload). */
  retain(keep: (identity: Omit<Identity, 'via'>) => boolean): void {
    for (const [id, s] of this.sessions) if (!keep(s.identity)) this.sessions.delete(id)
  }

  get size(): number {
    return this.sessions.size
  }
}

/** The cookies of a Cookie header; malformed pairs are skipped, never thrown on. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>()
  if (header === undefined) return out
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1)
    try {
      value = decodeURIComponent(value)
    } catch {
      continue
    }
    if (!out.has(name)) out.set(name, value)
  }
  return out
}

export function cookieHeader(
  name: string,
  value: string,
  options: { httpOnly: boolean; secure: boolean; maxAgeS?: number },
): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'SameSite=Strict']
  if (options.httpOnly) parts.push('HttpOnly')
  if (options.secure) parts.push('Secure')
  if (options.maxAgeS !== undefined) parts.push(`Max-Age=${options.maxAgeS}`)
  return parts.join('; ')
}
