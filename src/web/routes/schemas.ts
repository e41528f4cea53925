/**
 * JSON Schemas shared by the routes: Fastify validates requests with them, serialises
 * replies with them, and the OpenAPI document (openapi.ts) is made of them.
 */
export const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' }, code: { type: 'string' } },
} as const

export const deviceParams = {
  type: 'object',
  required: ['device'],
  properties: { device: { type: 'string', minLength: 1, maxLength: 256 } },
} as const

export const numberOrNull = { type: ['number', 'null'] } as const

export const deviceSummarySchema = {
  type: 'object',
  required: ['name', 'comm', 'fsd', 'status', 'charge', 'runtime', 'load', 'inputVoltage'],
  properties: {
    name: { type: 'string' },
    description: { type: 'string' },
    comm: { type: 'string', enum: ['ok', 'stale', 'lost'] },
    fsd: { type: 'boolean' },
    status: { type: 'string' },
    charge: numberOrNull,
    runtime: numberOrNull,
    load: numberOrNull,
    inputVoltage: numberOrNull,
    lastEvent: {
      type: 'object',
      required: ['time', 'text'],
      properties: { time: { type: 'string' }, text: { type: 'string' } },
    },
  },
} as const

export const variableSchema = {
  type: 'object',
  required: ['name', 'value', 'writable', 'type', 'maxLength', 'enums', 'ranges'],
  properties: {
    name: { type: 'string' },
    value: { type: 'string' },
    description: { type: 'string' },
    writable: { type: 'boolean' },
    type: { type: 'string', enum: ['string', 'number', 'unspecified'] },
    maxLength: { type: 'integer' },
    enums: { type: 'array', items: { type: 'string' } },
    ranges: {
      type: 'array',
      items: {
        type: 'object',
        required: ['min', 'max'],
        properties: { min: { type: 'number' }, max: { type: 'number' } },
      },
    },
  },
} as const

export const commandSchema = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' }, description: { type: 'string' } },
} as const

export const trackedSchema = {
  type: 'object',
  required: ['tracking', 'result'],
  properties: {
    tracking: { type: 'string' },
    result: {
      type: 'string',
      enum: ['PENDING', 'SUCCESS', 'ERR UNKNOWN', 'ERR INVALID-ARGUMENT', 'ERR FAILED'],
    },
  },
} as const

export const errorReplies = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
}
