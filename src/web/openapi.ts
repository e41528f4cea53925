/**
 * The OpenAPI 3.1 document at `/api/openapi.json`, made from the routes' own schemas as
 * they are registered (Fastify's onRoute hook), so the document cannot drift from what
 * the server validates. JSON Schema draft 7 as Fastify uses it is valid OpenAPI 3.1.
 */
import type { FastifyInstance, RouteOptions } from 'fastify'
import { nutshellVersion } from '../core/version.ts'

declare module 'fastify' {
  interface FastifySchema {
    summary?: string
    description?: string
    tags?: readonly string[]
    /** What the route answers with, when it is not JSON (SSE, text). */
    produces?: readonly string[]
  }
}

interface Operation {
  summary?: string
  tags?: readonly string[]
  parameters: unknown[]
  requestBody?: unknown
  responses: Record<string, unknown>
  security?: unknown[]
  'x-role': string
}

export class OpenApiCollector {
  private readonly paths = new Map<string, Record<string, Operation>>()

  /** Call before any route is added. */
  attach(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => this.add(route))
  }

  private add(route: RouteOptions): void {
    const schema = route.schema
    if (schema === undefined || route.url.includes('*')) return
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter(
      (m) => m !== 'HEAD',
    )
    const parameters: unknown[] = []
    const addParams = (where: 'path' | 'query', object: unknown) => {
      const o = object as { properties?: Record<string, unknown>; required?: string[] } | undefined
      for (const [name, s] of Object.entries(o?.properties ?? {}))
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (o?.required ?? []).includes(name),
          schema: s,
        })
    }
    addParams('path', schema.params)
    addParams('query', schema.querystring)
    const responses: Record<string, unknown> = {}
    for (const [code, s] of Object.entries((schema.response ?? {}) as Record<string, unknown>)) {
      const types = schema.produces ?? ['application/json']
      responses[code] = {
        description: code === '200' ? 'OK' : `error ${code}`,
        content: Object.fromEntries(types.map((t) => [t, { schema: s }])),
      }
    }
    const role = (route.config as { role?: string } | undefined)?.role ?? 'viewer'
    const operation: Operation = {
      ...(schema.summary === undefined ? {} : { summary: schema.summary }),
      ...(schema.tags === undefined ? {} : { tags: schema.tags }),
      parameters,
      responses,
      'x-role': role,
      ...(role === 'public' ? { security: [] } : {}),
    }
    if (schema.body !== undefined) {
      const type = route.url.startsWith('/api/v1/') ? 'text/plain' : 'application/json'
      operation.requestBody = { content: { [type]: { schema: schema.body } } }
    }
    const entry = this.paths.get(path) ?? {}
    for (const method of methods) entry[method.toLowerCase()] = operation
    this.paths.set(path, entry)
  }

  document(): Record<string, unknown> {
    return {
      openapi: '3.1.0',
      info: {
        title: 'nutshell web API',
        version: nutshellVersion,
        description: 'Devices, monitor and rules state, actions and the live stream (docs/web.md).',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'nutshell_session' },
          bearer: { type: 'http', scheme: 'bearer' },
          basic: { type: 'http', scheme: 'basic' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
      paths: Object.fromEntries([...this.paths].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    }
  }
}
