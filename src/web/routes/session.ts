/**
 * Logging in and out. A login sets two cookies: the session (HttpOnly, SameSite=Strict,
 * Secure under TLS) and its CSRF token (readable by the page, which echoes it in
 * `x-csrf-token`). A failed login is held back per source address as the NUT server
 * holds back a wrong PASSWORD.
 */
import type { FastifyInstance } from 'fastify'
import { csrfCookie, holdBack, sessionCookie } from '../auth/guard.ts'
import { cookieHeader } from '../auth/sessions.ts'
import type { RouteContext } from '../context.ts'
import { errorReplies } from './schemas.ts'

const sessionSchema = {
  type: 'object',
  required: ['user', 'role', 'csrf'],
  properties: {
    user: { type: ['string', 'null'] },
    role: { type: ['string', 'null'] },
    csrf: { type: ['string', 'null'] },
  },
} as const

export function registerSessionRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    '/api/session',
    {
      config: { role: 'public' },
      schema: {
        summary: 'Who the request is logged in as (nulls when not)',
        tags: ['session'],
        response: { 200: sessionSchema, ...errorReplies },
      },
    },
    async (request) => {
      const identity = request.identity
      const session =
        request.sessionId === undefined ? undefined : ctx.sessions.get(request.sessionId)
      return {
        user: identity?.name ?? null,
        role: identity?.role ?? null,
        csrf: session?.csrf ?? null,
      }
    },
  )

  app.post<{ Body: { name: string; password: string } }>(
    '/api/login',
    {
      config: { role: 'public' },
      schema: {
        summary: 'Log in with a name and password; sets the session cookie',
        tags: ['session'],
        body: {
          type: 'object',
          required: ['name', 'password'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 256 },
            password: { type: 'string', maxLength: 1024 },
          },
        },
        response: { 200: sessionSchema, ...errorReplies },
      },
    },
    async (request, reply) => {
      const { name, password } = request.body
      const found = await ctx.directory.check(name, password)
      if (found === undefined) {
        await holdBack(ctx, request.ip)
        ctx.audit.record({ user: name, address: request.ip, action: 'login', result: 'refused' })
        return reply.code(401).send({ error: 'Unauthorized', message: 'wrong name or password' })
      }
      const session = ctx.sessions.create(found)
      const maxAgeS = Math.floor(ctx.config.sessionTimeoutMs / 1000)
      void reply.header('set-cookie', [
        cookieHeader(sessionCookie, session.id, { httpOnly: true, secure: ctx.secure, maxAgeS }),
        cookieHeader(csrfCookie, session.csrf, { httpOnly: false, secure: ctx.secure, maxAgeS }),
      ])
      ctx.audit.record({ user: found.name, address: request.ip, action: 'login', result: 'ok' })
      return { user: found.name, role: found.role, csrf: session.csrf }
    },
  )

  app.post(
    '/api/logout',
    {
      schema: {
        summary: 'End the session',
        tags: ['session'],
        response: { 200: sessionSchema, ...errorReplies },
      },
    },
    async (request, reply) => {
      if (request.sessionId !== undefined) ctx.sessions.delete(request.sessionId)
      void reply.header('set-cookie', [
        cookieHeader(sessionCookie, '', { httpOnly: true, secure: ctx.secure, maxAgeS: 0 }),
        cookieHeader(csrfCookie, '', { httpOnly: false, secure: ctx.secure, maxAgeS: 0 }),
      ])
      ctx.audit.record({
        user: request.identity?.name ?? 'anonymous',
        address: request.ip,
        action: 'logout',
        result: 'ok',
      })
      return { user: null, role: null, csrf: null }
    },
  )
}
