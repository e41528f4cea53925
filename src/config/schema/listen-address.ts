/**
 * A listening address for an integration's own listener: `host:port`, `[v6]:port` or
 * `{host, port}`; the port is required (each integration has its own customary port, and
 * writing it avoids a surprise).
 */
import { z } from 'zod'
import { checkedText, hints, int, text } from '../schema-kit.ts'

export interface IntegrationListen {
  host: string
  port: number
}

const pattern = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/

export function parseIntegrationListen(value: string): IntegrationListen | string {
  const match = pattern.exec(value)
  const port = Number(match?.[3])
  if (match === null || !(port >= 0 && port <= 65535))
    return `'${value}' is not host:port\nwrite e.g. 127.0.0.1:9199 or "[::1]:9199"`
  return { host: (match[1] ?? match[2]) as string, port }
}

const listenText = checkedText((v) => {
  const parsed = parseIntegrationListen(v)
  return typeof parsed === 'string' ? parsed : undefined
}).transform((v) => parseIntegrationListen(v) as IntegrationListen)

const listenObject = z.strictObject({
  host: text({ nonEmpty: true }),
  port: int({ min: 0, max: 65535 }),
})

export const integrationListen = z.union([listenText, listenObject]).register(hints, {
  expected: 'an address',
  advice: 'write host:port, "[ipv6]:port" or {host, port}',
})
