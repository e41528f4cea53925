/**
 * Actions: an instant command (with its parameter), a SET, an outlet switch. Each goes
 * through the device's command path (Device.requestInstantCommand / requestSet, the same
 * path the NUT server's INSTCMD and SET VAR use) with a tracking id, and answers the
 * tracked result: the driver's outcome, or PENDING when it has not answered within
 * `actionWaitMs` (then `GET /api/tracking/:id` tells it later). Every action is audited.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { CommandOutcome } from '../../devices/command-result.ts'
import type { Device } from '../../devices/device.ts'
import { validateSet } from '../../devices/set-validation.ts'
import type { TrackingResult } from '../../server/tracking.ts'
import { mayRunCommand } from '../auth/directory.ts'
import type { RouteContext } from '../context.ts'
import { findDevice } from './devices.ts'
import { deviceParams, errorReplies, trackedSchema } from './schemas.ts'

const name = { type: 'string', minLength: 1, maxLength: 256, pattern: '^[^\\s"\\\\]+$' } as const

export function registerActionRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const run = async (
    request: FastifyRequest,
    device: Device,
    what: { action: string; target: string; value?: string },
    outcome: Promise<CommandOutcome>,
  ) => {
    const tracking = ctx.tracking.track(outcome)
    const result = await settleWithin(ctx, outcome)
    ctx.audit.record({
      user: request.identity?.name ?? 'anonymous',
      address: request.ip,
      action: what.action,
      device: device.name,
      target: what.target,
      ...(what.value === undefined ? {} : { value: what.value }),
      result,
    })
    return { tracking, result }
  }

  app.post<{
    Params: { device: string; command: string }
    Body: { parameter?: string } | undefined
  }>(
    '/api/devices/:device/commands/:command',
    {
      config: { role: 'operator' },
      schema: {
        summary: 'Run an instant command (INSTCMD), with an optional parameter',
        tags: ['actions'],
        params: {
          type: 'object',
          required: ['device', 'command'],
          properties: { device: deviceParams.properties.device, command: name },
        },
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { parameter: { type: 'string', maxLength: 256, pattern: '^[^\\n\\r]*$' } },
        },
        response: { 200: trackedSchema, ...errorReplies },
      },
    },
    async (request, reply) => {
      const device = findDevice(ctx, request.params.device, reply)
      if (device === undefined) return reply
      const wanted = request.params.command.toLowerCase()
      const command = device.listCommands().find((c) => c.toLowerCase() === wanted)
      if (command === undefined)
        return reply.code(404).send({
          error: 'Not Found',
          code: 'CMD-NOT-SUPPORTED',
          message: `${device.name} has no instant command '${request.params.command}'`,
        })
      if (request.identity === undefined || !mayRunCommand(request.identity, command))
        return reply.code(403).send({
          error: 'Forbidden',
          code: 'ACCESS-DENIED',
          message: `you may not run ${command}`,
        })
      const parameter = request.body?.parameter
      return run(
        request,
        device,
        {
          action: 'instcmd',
          target: command,
          ...(parameter === undefined ? {} : { value: parameter }),
        },
        device.requestInstantCommand(command, parameter),
      )
    },
  )

  app.put<{ Params: { device: string; variable: string }; Body: { value: string } }>(
    '/api/devices/:device/variables/:variable',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Set a writable variable (SET VAR), checked as upsd checks it',
        tags: ['actions'],
        params: {
          type: 'object',
          required: ['device', 'variable'],
          properties: { device: deviceParams.properties.device, variable: name },
        },
        body: {
          type: 'object',
          required: ['value'],
          additionalProperties: false,
          properties: { value: { type: 'string', maxLength: 256, pattern: '^[^\\n\\r]*$' } },
        },
        response: { 200: trackedSchema, ...errorReplies },
      },
    },
    async (request, reply) => {
      const device = findDevice(ctx, request.params.device, reply)
      if (device === undefined) return reply
      const { variable } = request.params
      const { value } = request.body
      const refusal = validateSet(device, variable, value)
      if (refusal !== undefined)
        return reply.code(refusal === 'VAR-NOT-SUPPORTED' ? 404 : 400).send({
          error: refusal === 'VAR-NOT-SUPPORTED' ? 'Not Found' : 'Bad Request',
          code: refusal,
          message: `cannot set ${variable} on ${device.name}: ${refusal}`,
        })
      const canonical = device.getVariable(variable)?.name ?? variable
      return run(
        request,
        device,
        { action: 'set', target: canonical, value },
        device.requestSet(canonical, value),
      )
    },
  )

  app.post<{ Params: { device: string; outlet: number }; Body: { state: 'on' | 'off' } }>(
    '/api/devices/:device/outlets/:outlet',
    {
      config: { role: 'operator' },
      schema: {
        summary: 'Switch a PDU outlet on or off (outlet.N.load.on / .off)',
        tags: ['actions'],
        params: {
          type: 'object',
          required: ['device', 'outlet'],
          properties: {
            device: deviceParams.properties.device,
            outlet: { type: 'integer', minimum: 0, maximum: 4096 },
          },
        },
        body: {
          type: 'object',
          required: ['state'],
          additionalProperties: false,
          properties: { state: { type: 'string', enum: ['on', 'off'] } },
        },
        response: { 200: trackedSchema, ...errorReplies },
      },
    },
    async (request, reply) => {
      const device = findDevice(ctx, request.params.device, reply)
      if (device === undefined) return reply
      const wanted = `outlet.${request.params.outlet}.load.${request.body.state}`
      const command = device.listCommands().find((c) => c.toLowerCase() === wanted)
      if (command === undefined)
        return reply.code(404).send({
          error: 'Not Found',
          code: 'CMD-NOT-SUPPORTED',
          message: `${device.name} cannot switch outlet ${request.params.outlet} (no ${wanted})`,
        })
      if (request.identity === undefined || !mayRunCommand(request.identity, command))
        return reply.code(403).send({
          error: 'Forbidden',
          code: 'ACCESS-DENIED',
          message: `you may not run ${command}`,
        })
      return run(
        request,
        device,
        { action: 'outlet', target: command },
        device.requestInstantCommand(command, undefined),
      )
    },
  )

  app.get<{ Params: { id: string } }>(
    '/api/tracking/:id',
    {
      schema: {
        summary: 'The result of an earlier action by its tracking id',
        tags: ['actions'],
        params: {
          type: 'object',
          required: ['id'],
          properties: {
            id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[0-9A-Fa-f-]+$' },
          },
        },
        response: { 200: trackedSchema, ...errorReplies },
      },
    },
    async (request) => ({
      tracking: request.params.id.toUpperCase(),
      result: ctx.tracking.lookup(request.params.id),
    }),
  )
}

/** The outcome if it settles within the wait, else PENDING; the timer never outlives it. */
function settleWithin(
  ctx: RouteContext,
  outcome: Promise<CommandOutcome>,
): Promise<TrackingResult> {
  return new Promise((resolve) => {
    const timer = ctx.clock.setTimeout(() => resolve('PENDING'), ctx.actionWaitMs)
    void outcome.then(
      (result) => {
        timer.cancel()
        resolve(result)
      },
      () => {
        timer.cancel()
        resolve('ERR FAILED')
      },
    )
  })
}
