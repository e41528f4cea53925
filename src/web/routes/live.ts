/**
 * `GET /api/events`: the live stream as Server-Sent Events. Event types: `store` (every
 * device change), `monitor` (notify events, shutdown started), `rule` (every action a rule
 * asks for), `audit` (every action taken through the web face). `?device=NAME` keeps only
 * that device's store events. A reader that falls behind by more than the configured
 * queue is dropped (live-hub.ts); the browser's EventSource reconnects by itself.
 */
import type { FastifyInstance } from 'fastify'
import type { RouteContext } from '../context.ts'
import type { LiveEvent } from '../live/live-hub.ts'
import { errorReplies } from './schemas.ts'

export function registerLiveRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Querystring: { device?: string } }>(
    '/api/events',
    {
      schema: {
        summary: 'Live stream of store, monitor, rule and audit events (text/event-stream)',
        tags: ['live'],
        produces: ['text/event-stream'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { device: { type: 'string', minLength: 1, maxLength: 256 } },
        },
        response: { 200: { type: 'string' }, ...errorReplies, 503: errorReplies[400] },
      },
    },
    async (request, reply) => {
      const wanted = request.query.device?.toLowerCase()
      const filter =
        wanted === undefined
          ? undefined
          : (event: LiveEvent) =>
              event.type !== 'store' ||
              (event.data as { device?: string }).device?.toLowerCase() === wanted
      const raw = reply.raw
      const remove = ctx.hub.add(
        {
          write: (chunk) => raw.write(chunk),
          onDrain: (listener) => raw.on('drain', listener),
          // Dropped or shutting down: destroy, so no unsent bytes stay queued for it.
          end: () => raw.destroy(),
        },
        filter,
      )
      if (remove === undefined)
        return reply
          .code(503)
          .send({ error: 'Service Unavailable', message: 'too many live readers' })
      reply.hijack()
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      })
      raw.write(`retry: 2000\n: connected\n\n`)
      raw.on('close', remove)
      return reply
    },
  )
}
