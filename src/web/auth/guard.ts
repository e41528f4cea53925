/**
 * Who is asking and may they: one onRequest hook for every route. Credentials, in order:
 * the session cookie, `Authorization: Bearer <token>`, and on PeaNUT's `/api/v1` routes
 * `Authorization: Basic` (PeaNUT's widgets use it). Each route says the least role it
 * needs in its `config.role` (`public`: anyone). A state change (any method but GET/HEAD)
 * made with a session cookie must carry the session's CSRF token in `x-csrf-token`, and a
 * request whose Origin is not this server is refused whatever its credentials.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Role, WebConfig } from '../../config/web-config.ts'
import type { Clock } from '../../core/clock.ts'
import type { FailureThrottle } from '../../server/auth-throttle.ts'
import { type Identity, roleAtLeast, type UserDirectory } from './directory.ts'
import { sameText } from './password.ts'
import { parseCookies, type SessionStore } from './sessions.ts'

export const sessionCookie = 'nutshell_session'
export const csrfCookie = 'nutshell_csrf'

export type RouteRole = Role | 'public'

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity | undefined
    /** The session behind the request's cookie, when there is one. */
    sessionId: string | undefined
  }
  interface FastifyContextConfig {
    role?: RouteRole
  }
}

export interface GuardOptions {
  config: WebConfig
  directory: UserDirectory
  sessions: SessionStore
  throttle: FailureThrottle
  clock: Clock
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

export function makeGuard(options: GuardOptions) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // No route matched: the not-found handler (mounted handlers) checks the role itself.
    const wanted: RouteRole =
      request.routeOptions.url === undefined
        ? 'public'
        : (request.routeOptions.config.role ?? 'viewer')
    const peanut = request.url.startsWith('/api/v1/')
    if (!originAllowed(request)) {
      await reply.code(403).send({ error: 'Forbidden', message: 'cross-origin request refused' })
      return
    }
    const identity = await identify(request, options, peanut)
    request.identity = identity
    if (wanted === 'public') return
    if (identity === undefined) {
      // PeaNUT answers a bare JSON string and no WWW-Authenticate (so no browser prompt).
      if (peanut) await reply.code(401).send('Unauthorized')
      else await reply.code(401).send({ error: 'Unauthorized', message: 'log in first' })
      return
    }
    if (!roleAtLeast(identity.role, wanted)) {
      await reply.code(403).send({
        error: 'Forbidden',
        message: `this needs the ${wanted} role (you are ${identity.role})`,
      })
      return
    }
    if (identity.via === 'session' && !safeMethods.has(request.method)) {
      const session =
        request.sessionId === undefined ? undefined : options.sessions.get(request.sessionId)
      const given = request.headers['x-csrf-token']
      if (session === undefined || typeof given !== 'string' || !sameText(given, session.csrf)) {
        await reply
          .code(403)
          .send({ error: 'Forbidden', message: 'missing or wrong CSRF token (x-csrf-token)' })
      }
    }
  }
}

async function identify(
  request: FastifyRequest,
  options: GuardOptions,
  peanut: boolean,
): Promise<Identity | undefined> {
  const cookies = parseCookies(request.headers.cookie)
  const sid = cookies.get(sessionCookie)
  if (sid !== undefined) {
    const session = options.sessions.get(sid)
    if (session !== undefined) {
      request.sessionId = sid
      return { ...session.identity, via: 'session' }
    }
  }
  const auth = request.headers.authorization
  if (auth !== undefined) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(auth)
    if (bearer !== null) {
      const found = options.directory.token(bearer[1] as string)
      if (found !== undefined) return { ...found, via: 'token' }
      await holdBack(options, request.ip)
      return undefined
    }
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth)
    if (basic !== null && peanut) {
      const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon > 0) {
        const found = await options.directory.check(
          decoded.slice(0, colon),
          decoded.slice(colon + 1),
        )
        if (found !== undefined) return { ...found, via: 'basic' }
      }
      await holdBack(options, request.ip)
      return undefined
    }
  }
  const anonymous = options.config.anonymous
  return anonymous === 'none' ? undefined : { name: 'anonymous', role: anonymous, via: 'anonymous' }
}

/** A failed credential from `address`: wait as the NUT server makes a guesser wait. */
export function holdBack(
  options: Pick<GuardOptions, 'throttle' | 'clock'>,
  address: string,
): Promise<void> {
  const delay = options.throttle.recordFailure(address)
  if (delay <= 0) return Promise.resolve()
  return new Promise((resolve) => options.clock.setTimeout(resolve, delay))
}

/** No Origin (curl, scripts, same-origin GET) or the server's own: allowed. */
function originAllowed(request: FastifyRequest): boolean {
  const origin = request.headers.origin
  if (origin === undefined || safeMethods.has(request.method)) return true
  try {
    const from = new URL(origin)
    // The Host header through the same parser, so default ports compare equal.
    return from.host === new URL(`${from.protocol}//${request.headers.host ?? ''}`).host
  } catch {
    return false
  }
}
