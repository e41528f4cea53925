/**
 * The web face's settings after loading (`web:` in YAML, src/config/schema/web.ts, or
 * `--web` on the command line). Durations in milliseconds. Types only.
 */
import type { TlsConfig } from './types.ts'

export type Role = 'viewer' | 'operator' | 'admin'

export interface WebUserConfig {
  name: string
  /** `scrypt$N$r$p$salt$hash` (src/web/auth/password.ts). */
  password: string
  role: Role
}

export interface WebTokenConfig {
  name: string
  /** `sha256$<hex>` of the token a script sends as `Authorization: Bearer <token>`. */
  hash: string
  role: Role
}

export interface WebConfig {
  listen: { host: string; port: number }
  tls?: TlsConfig
  sessionTimeoutMs: number
  users: WebUserConfig[]
  tokens: WebTokenConfig[]
  /** Also let the NUT users (YAML `users:` / upsd.users) log in, with mapped roles. */
  nutUsers: boolean
  /** What a request without credentials may do (`none`: nothing but log in). */
  anonymous: 'none' | Role
  sse: {
    /** A live-stream reader whose unsent events exceed this is dropped. */
    maxQueueBytes: number
    maxClients: number
  }
}

export function defaultWebConfig(overrides: Partial<WebConfig> = {}): WebConfig {
  return {
    listen: { host: '127.0.0.1', port: 8080 },
    sessionTimeoutMs: 12 * 3600_000,
    users: [],
    tokens: [],
    nutUsers: true,
    anonymous: 'none',
    sse: { maxQueueBytes: 256 * 1024, maxClients: 200 },
    ...overrides,
  }
}

/** `host:port`, `[v6]:port`, `host` (port 8080) or a bare port (on 127.0.0.1). */
export function parseWebListen(v: string): { host: string; port: number } | undefined {
  const bracket = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(v)
  const plain = /^([^:[\]\s]+)(?::(\d+))?$/.exec(v)
  const bare = /^(\d+)$/.exec(v)
  let host: string
  let portText: string | undefined
  if (bare !== null) {
    host = '127.0.0.1'
    portText = bare[1]
  } else if (bracket !== null) {
    host = bracket[1] as string
    portText = bracket[2]
  } else if (plain !== null) {
    host = plain[1] as string
    portText = plain[2]
  } else return undefined
  const port = portText === undefined ? 8080 : Number(portText)
  if (!Number.isInteger(port) || port < 0 || port > 65535) return undefined
  return { host, port }
}
