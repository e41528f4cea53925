/** Read routes: devices, their variables with NUT's metadata, commands and clients. */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Device } from '../../devices/device.ts'
import type { RouteContext } from '../context.ts'
import type { ActivityLog } from '../live/activity.ts'
import { commandViews, deviceSummary, variableViews } from './device-view.ts'
import {
  commandSchema,
  deviceParams,
  deviceSummarySchema,
  errorReplies,
  variableSchema,
} from './schemas.ts'

export function findDevice(
  ctx: RouteContext,
  name: string,
  reply: FastifyReply,
): Device | undefined {
  const device = ctx.store.get(name)
  if (device === undefined)
    void reply.code(404).send({ error: 'Not Found', message: `no device named '${name}'` })
  return device
}

export function registerDeviceRoutes(
  app: FastifyInstance,
  ctx: RouteContext,
  activity: ActivityLog,
): void {
  app.get(
    '/api/devices',
    {
      schema: {
        summary: 'Every device with its headline figures',
        tags: ['devices'],
        response: { 200: { type: 'array', items: deviceSummarySchema }, ...errorReplies },
      },
    },
    async () => ctx.store.list().map((d) => deviceSummary(d, activity.last(d.name))),
  )

  app.get<{ Params: { device: string } }>(
    '/api/devices/:device',
    {
      schema: {
        summary: 'One device: summary, variables with metadata and descriptions, commands',
        tags: ['devices'],
        params: deviceParams,
        response: {
          200: {
            type: 'object',
            required: ['summary', 'variables', 'commands'],
            properties: {
              summary: deviceSummarySchema,
              variables: { type: 'array', items: variableSchema },
              commands: { type: 'array', items: commandSchema },
            },
          },
          ...errorReplies,
        },
      },
    },
    async (request, reply) => {
      const device = findDevice(ctx, request.params.device, reply)
      if (device === undefined) return reply
      return {
        summary: deviceSummary(device, activity.last(device.name)),
        variables: variableViews(device, ctx.descriptions),
        commands: commandViews(device, ctx.descriptions),
      }
    },
  )

  app.get<{ Params: { device: string } }>(
    '/api/devices/:device/variables',
    {
      schema: {
        summary: "A device's variables with NUT flags, enums, ranges and descriptions",
        tags: ['devices'],
        params: deviceParams,
        response: { 200: { type: 'array', items: variableSchema }, ...errorReplies },
      },
    },
    async (request, reply) => {
      const device = findDevice(ctx, request.params.device, reply)
      return device === undefined ? reply : variableViews(device, ctx.descriptions)
    },
  )

  app.get<{ Params: { device: string } }>(
    '/api/devices/:device/commands',
    {
      schema: {
        summary: "A device's instant commands with descriptions",
        tags: ['devices'],
        params: deviceParams,
        response: { 200: { type: 'array', items: commandSchema }, ...errorReplies },
      },
    },
    async (request, reply) => {
      const device = findDevice(ctx, request.params.device, reply)
      return device === undefined ? reply : commandViews(device, ctx.descriptions)
    },
  )

  app.get<{ Params: { device: string } }>(
    '/api/devices/:device/clients',
    {
      schema: {
        summary: 'Addresses of the NUT clients LOGINed to the device (LIST CLIENT)',
        tags: ['devices'],
        params: deviceParams,
        response: { 200: { type: 'array', items: { type: 'string' } }, ...errorReplies },
      },
    },
    async (request, reply) => {
      const device = findDevice(ctx, request.params.device, reply)
      return device === undefined ? reply : (ctx.nutServer()?.clients(device.name) ?? [])
    },
  )
}
