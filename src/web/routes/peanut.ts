/**
 * PeaNUT's REST routes (`/api/v1/...`, PeaNUT v5/v6) as a compatible subset, so its
 * Homepage and Glance widgets and scripts work against nutshell: flat objects with the
 * dotted NUT keys, numbers as JSON numbers where `GET TYPE` says NUMBER, `ups.status` as
 * the raw token string, PeaNUT's texts and error shapes. Actions go through the same
 * tracked, audited command path as the native API.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { nutshellVersion } from '../../core/version.ts'
import type { Device } from '../../devices/device.ts'
import { validateSet } from '../../devices/set-validation.ts'
import { typeWords } from '../../devices/variable.ts'
import { nutshellVersionText } from '../../server/version.ts'
import { mayRunCommand } from '../auth/directory.ts'
import type { RouteContext } from '../context.ts'
import { servedStatus } from './device-view.ts'

const anyJson = {} as const
const p = (...names: string[]) => ({
  type: 'object',
  required: names,
  properties: Object.fromEntries(
    names.map((n) => [n, { type: 'string', minLength: 1, maxLength: 256 }]),
  ),
})
const meta = {
  type: 'object',
  properties: { meta: { type: 'string', enum: ['true', 'false'] } },
} as const

/** `ups`, `host~port~ups` or `host_port_ups`. */
function resolveDevice(ctx: RouteContext, id: string): Device | undefined {
  const direct = ctx.store.get(id)
  if (direct !== undefined) return direct
  const tilde = id.split('~')
  if (tilde.length === 3) return ctx.store.get(tilde[2] as string)
  const underscore = /^.+_\d+_(.+)$/.exec(id)
  return underscore === null ? undefined : ctx.store.get(underscore[1] as string)
}

function flat(device: Device): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const v of device.listVariables()) {
    const value = v.name.toLowerCase() === 'ups.status' ? servedStatus(device) : v.value
    const n = Number(value)
    out[v.name] = v.kind !== 'string' && value.trim() !== '' && Number.isFinite(n) ? n : value
  }
  return out
}

export function registerPeanutRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const server = (request: FastifyRequest) => request.headers.host ?? 'localhost'
  const device = (request: FastifyRequest<{ Params: { device: string } }>, reply: FastifyReply) => {
    const found = resolveDevice(ctx, request.params.device)
    if (found === undefined) void reply.code(404).send({ error: 'Device not found' })
    return found
  }
  const variable = (
    request: FastifyRequest<{ Params: { device: string; param: string } }>,
    reply: FastifyReply,
  ) => {
    const d = device(request, reply)
    if (d === undefined) return undefined
    const v = d.getVariable(request.params.param)
    if (v === undefined)
      void reply
        .code(404)
        .send(`Parameter ${request.params.param} on device ${request.params.device} not found`)
    return v === undefined ? undefined : { d, v }
  }
  const tags = ['peanut']

  app.get(
    '/api/ping',
    {
      config: { role: 'public' },
      schema: { summary: 'PeaNUT: liveness', tags, response: { 200: { type: 'string' } } },
    },
    async () => 'pong',
  )

  app.get(
    '/api/v1/info',
    { schema: { summary: 'PeaNUT: about the server', tags, response: { 200: anyJson } } },
    async () => ({
      name: 'nutshell',
      version: nutshellVersion,
      description: 'nutshell power device broker (PeaNUT-compatible API subset)',
      nodeVersion: process.version,
      platform: process.platform,
      uptime: process.uptime(),
      memoryUsage: process.memoryUsage(),
      environment: 'production',
      buildTime: null,
      repository: null,
    }),
  )
  app.get(
    '/api/v1/version',
    {
      schema: {
        summary: 'PeaNUT: the VER line per server',
        tags,
        response: { 200: { type: 'array', items: { type: 'string' } } },
      },
    },
    async () => [nutshellVersionText],
  )
  app.get(
    '/api/v1/netversion',
    {
      schema: {
        summary: 'PeaNUT: NETVER per server',
        tags,
        response: { 200: { type: 'array', items: { type: 'string' } } },
      },
    },
    async () => ['1.3'],
  )

  app.get<{ Querystring: { meta?: string } }>(
    '/api/v1/devices',
    {
      schema: {
        summary: 'PeaNUT: every device as a flat object of NUT variables',
        tags,
        querystring: meta,
        response: { 200: { type: 'array', items: anyJson } },
      },
    },
    async (request) =>
      ctx.store.list().map((d) => ({
        ...flat(d),
        ...(request.query.meta === 'true'
          ? { 'peanut.device_id': d.name, 'peanut.server': server(request) }
          : {}),
      })),
  )

  const one = async (
    request: FastifyRequest<{ Params: { device: string }; Querystring: { meta?: string } }>,
    reply: FastifyReply,
  ) => {
    const d = device(request, reply)
    if (d === undefined) return reply
    return {
      ...flat(d),
      ...(request.query.meta === 'true'
        ? { 'peanut.device_id': `${server(request)}/${d.name}`, 'peanut.server': server(request) }
        : {}),
    }
  }
  app.get(
    '/api/v1/devices/:device',
    {
      schema: {
        summary: 'PeaNUT: one device as a flat object',
        tags,
        params: p('device'),
        querystring: meta,
        response: { 200: anyJson },
      },
    },
    one,
  )
  app.get(
    '/api/v1/devices/:device/vars',
    {
      schema: {
        summary: 'PeaNUT: the same flat object',
        tags,
        params: p('device'),
        querystring: meta,
        response: { 200: anyJson },
      },
    },
    one,
  )

  type VarReq = FastifyRequest<{ Params: { device: string; param: string } }>
  app.get(
    '/api/v1/devices/:device/var/:param',
    {
      schema: {
        summary: 'PeaNUT: one value, as a string',
        tags,
        params: p('device', 'param'),
        response: { 200: anyJson },
      },
    },
    async (request: VarReq, reply) => {
      const found = variable(request, reply)
      return found === undefined
        ? reply
        : found.v.name.toLowerCase() === 'ups.status'
          ? servedStatus(found.d)
          : found.v.value
    },
  )
  app.get(
    '/api/v1/devices/:device/var/:param/description',
    {
      schema: {
        summary: 'PeaNUT: GET DESC',
        tags,
        params: p('device', 'param'),
        response: { 200: anyJson },
      },
    },
    async (request: VarReq, reply) => {
      const found = variable(request, reply)
      return found === undefined
        ? reply
        : (ctx.descriptions.variable(found.v.name) ?? 'Description unavailable')
    },
  )
  app.get(
    '/api/v1/devices/:device/var/:param/type',
    {
      schema: {
        summary: 'PeaNUT: GET TYPE words',
        tags,
        params: p('device', 'param'),
        response: { 200: anyJson },
      },
    },
    async (request: VarReq, reply) => {
      const found = variable(request, reply)
      return found === undefined ? reply : typeWords(found.v).join(' ')
    },
  )
  app.get(
    '/api/v1/devices/:device/var/:param/enum',
    {
      schema: {
        summary: 'PeaNUT: LIST ENUM',
        tags,
        params: p('device', 'param'),
        response: { 200: anyJson },
      },
    },
    async (request: VarReq, reply) => {
      const found = variable(request, reply)
      return found === undefined ? reply : [...found.v.enums]
    },
  )
  app.get(
    '/api/v1/devices/:device/var/:param/range',
    {
      schema: {
        summary: "PeaNUT: LIST RANGE (each range's minimum, as PeaNUT gives it)",
        tags,
        params: p('device', 'param'),
        response: { 200: anyJson },
      },
    },
    async (request: VarReq, reply) => {
      const found = variable(request, reply)
      return found === undefined ? reply : found.v.ranges.map((r) => String(r.min))
    },
  )
  app.post<{ Params: { device: string; param: string }; Body: string }>(
    '/api/v1/devices/:device/var/:param',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'PeaNUT: SET VAR, the raw body is the value',
        tags,
        params: p('device', 'param'),
        body: { type: 'string', maxLength: 256 },
        response: { 200: anyJson },
      },
    },
    async (request, reply) => {
      const found = variable(request, reply)
      if (found === undefined) return reply
      const value = String(request.body ?? '')
      const refusal = validateSet(found.d, found.v.name, value)
      if (refusal !== undefined)
        return reply
          .code(500)
          .send(`Failed to ${refusal} unknown on device ${request.params.device}`)
      const outcome = await found.d.requestSet(found.v.name, value)
      ctx.audit.record({
        user: request.identity?.name ?? 'anonymous',
        address: request.ip,
        action: 'set',
        device: found.d.name,
        target: found.v.name,
        value,
        result: outcome,
      })
      if (outcome !== 'SUCCESS')
        return reply
          .code(500)
          .send(`Failed to ${outcome} unknown on device ${request.params.device}`)
      return `Variable ${request.params.param} on device ${request.params.device} saved successfully`
    },
  )

  app.get(
    '/api/v1/devices/:device/commands',
    {
      schema: {
        summary: 'PeaNUT: LIST CMD',
        tags,
        params: p('device'),
        response: { 200: { type: 'array', items: { type: 'string' } } },
      },
    },
    async (request: FastifyRequest<{ Params: { device: string } }>, reply) => {
      const d = device(request, reply)
      return d === undefined ? reply : d.listCommands()
    },
  )
  type CmdReq = FastifyRequest<{ Params: { device: string; cmd: string } }>
  app.post(
    '/api/v1/devices/:device/command/:cmd',
    {
      config: { role: 'operator' },
      schema: {
        summary: 'PeaNUT: INSTCMD',
        tags,
        params: p('device', 'cmd'),
        response: { 200: anyJson },
      },
    },
    async (request: CmdReq, reply) => {
      const d = device(request, reply)
      if (d === undefined) return reply
      const wanted = request.params.cmd.toLowerCase()
      const command = d.listCommands().find((c) => c.toLowerCase() === wanted)
      if (command === undefined)
        return reply
          .code(404)
          .send(`Parameter ${request.params.cmd} on device ${request.params.device} not found`)
      if (request.identity === undefined || !mayRunCommand(request.identity, command))
        return reply.code(403).send('Forbidden')
      const outcome = await d.requestInstantCommand(command, undefined)
      ctx.audit.record({
        user: request.identity.name,
        address: request.ip,
        action: 'instcmd',
        device: d.name,
        target: command,
        result: outcome,
      })
      if (outcome !== 'SUCCESS')
        return reply
          .code(500)
          .send(`Failed to ${outcome} unknown on device ${request.params.device}`)
      return `Command ${request.params.cmd} on device ${request.params.device} run successfully`
    },
  )
  app.get(
    '/api/v1/devices/:device/command/:cmd/description',
    {
      schema: {
        summary: 'PeaNUT: GET CMDDESC',
        tags,
        params: p('device', 'cmd'),
        response: { 200: anyJson },
      },
    },
    async (request: CmdReq, reply) => {
      const d = device(request, reply)
      return d === undefined
        ? reply
        : (ctx.descriptions.command(request.params.cmd) ?? 'Description unavailable')
    },
  )
  app.get(
    '/api/v1/devices/:device/description',
    {
      schema: {
        summary: 'PeaNUT: GET UPSDESC',
        tags,
        params: p('device'),
        response: { 200: anyJson },
      },
    },
    async (request: FastifyRequest<{ Params: { device: string } }>, reply) => {
      const d = device(request, reply)
      return d === undefined ? reply : (d.description ?? 'Unavailable')
    },
  )
  app.get(
    '/api/v1/devices/:device/clients',
    {
      schema: {
        summary: 'PeaNUT: LIST CLIENT',
        tags,
        params: p('device'),
        response: { 200: { type: 'array', items: { type: 'string' } } },
      },
    },
    async (request: FastifyRequest<{ Params: { device: string } }>, reply) => {
      const d = device(request, reply)
      return d === undefined ? reply : (ctx.nutServer()?.clients(d.name) ?? [])
    },
  )
  app.get(
    '/api/v1/devices/:device/rwvars',
    {
      schema: {
        summary: 'PeaNUT: LIST RW',
        tags,
        params: p('device'),
        response: { 200: { type: 'array', items: { type: 'string' } } },
      },
    },
    async (request: FastifyRequest<{ Params: { device: string } }>, reply) => {
      const d = device(request, reply)
      return d === undefined
        ? reply
        : d
            .listVariables()
            .filter((v) => v.writable)
            .map((v) => v.name)
    },
  )
}
