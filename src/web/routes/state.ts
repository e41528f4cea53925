/** The monitor's and the rules' live state, and the audit trail. */
import type { FastifyInstance } from 'fastify'
import type { RouteContext } from '../context.ts'
import { errorReplies } from './schemas.ts'

const isoOrNull = { type: ['string', 'null'] } as const

export function registerStateRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    '/api/monitor',
    {
      schema: {
        summary: "The monitor's state: supplies, each UPS's critical reason, shutdown pending",
        tags: ['state'],
        response: {
          200: {
            type: 'object',
            required: ['configured', 'shutdownPending', 'minSupplies', 'supplies', 'upses'],
            properties: {
              configured: { type: 'boolean' },
              shutdownPending: { type: 'boolean' },
              minSupplies: { type: 'integer' },
              supplies: { type: 'integer' },
              upses: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['system', 'role', 'powerValue', 'status', 'comm', 'critical'],
                  properties: {
                    system: { type: 'string' },
                    role: { type: 'string' },
                    powerValue: { type: 'integer' },
                    status: { type: ['string', 'null'] },
                    comm: { type: 'string' },
                    critical: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
          ...errorReplies,
        },
      },
    },
    async () => {
      const running = ctx.monitor()
      if (running === undefined)
        return { configured: false, shutdownPending: false, minSupplies: 0, supplies: 0, upses: [] }
      const upses = running.monitor.view().map((u) => ({
        system: u.system,
        role: u.role,
        powerValue: u.powerValue,
        status: u.status ?? null,
        comm: String(u.comm),
        critical: u.critical ?? null,
      }))
      return {
        configured: true,
        shutdownPending: running.monitor.shuttingDown,
        minSupplies: ctx.minSupplies(),
        // upsmon counts the power of every UPS that is not critical.
        supplies: upses.reduce((sum, u) => sum + (u.critical === null ? u.powerValue : 0), 0),
        upses,
      }
    },
  )

  app.get(
    '/api/rules',
    {
      schema: {
        summary: 'Each rule: condition true/false since when, phase, last firing; running timers',
        tags: ['state'],
        response: {
          200: {
            type: 'object',
            required: ['configured', 'rules', 'timers'],
            properties: {
              configured: { type: 'boolean' },
              rules: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['location', 'instances'],
                  properties: {
                    location: { type: 'string' },
                    instances: {
                      type: 'array',
                      items: {
                        type: 'object',
                        required: ['device', 'phase', 'holds', 'since', 'lastFired'],
                        properties: {
                          device: { type: 'string' },
                          phase: { type: 'string' },
                          holds: { type: 'boolean' },
                          since: isoOrNull,
                          lastFired: isoOrNull,
                        },
                      },
                    },
                  },
                },
              },
              timers: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['name', 'device', 'deadline', 'remainingMs'],
                  properties: {
                    name: { type: 'string' },
                    device: { type: 'string' },
                    deadline: { type: 'string' },
                    remainingMs: { type: 'number' },
                  },
                },
              },
            },
          },
          ...errorReplies,
        },
      },
    },
    async () => {
      const rules = ctx.rules()
      if (rules === undefined) return { configured: false, rules: [], timers: [] }
      const state = rules.state()
      return {
        configured: true,
        rules: state.rules.map((r) => ({
          location: r.location,
          instances: r.instances.map((i) => ({
            ...i,
            since: i.since ?? null,
            lastFired: i.lastFired ?? null,
          })),
        })),
        timers: state.timers,
      }
    },
  )

  app.get(
    '/api/audit',
    {
      schema: {
        summary: 'The latest actions: who, from where, what, with what result',
        tags: ['state'],
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              required: ['time', 'user', 'address', 'action', 'result'],
              properties: {
                time: { type: 'string' },
                user: { type: 'string' },
                address: { type: 'string' },
                action: { type: 'string' },
                device: { type: 'string' },
                target: { type: 'string' },
                value: { type: 'string' },
                result: { type: 'string' },
              },
            },
          },
          ...errorReplies,
        },
      },
    },
    async () => ctx.audit.recent(),
  )
}
