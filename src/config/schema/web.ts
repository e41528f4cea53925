/**
 * `web:`, the HTTP face (docs/web.md): where it listens, TLS on the same certificate
 * options as the NUT server, and who may log in. Declared here, mapped onto WebConfig
 * (src/web/web-config.ts) by `mapWeb`; nothing here loads Fastify.
 */
import { z } from 'zod'
import { resolveConfigPath } from '../from-nut.ts'
import { checkedText, duration, hints, int, list, oneOf, section, text } from '../schema-kit.ts'
import { parseWebListen, type WebConfig } from '../web-config.ts'

const roles = ['viewer', 'operator', 'admin'] as const

/** The NUT server's `server.tls` shape (not imported: yaml-schema.ts imports this file). */
const tlsSchema = z.strictObject({
  certFile: text({ nonEmpty: true }),
  keyFile: text({ nonEmpty: true }).optional(),
})

/** `host:port`, `[v6]:port` or a bare port. */
const webListen = checkedText((v) =>
  parseWebListen(v) === undefined
    ? `'${v}' is not an address\nwrite host:port, [ipv6]:port or a port, e.g. 127.0.0.1:8080`
    : undefined,
).transform((v) => parseWebListen(v) ?? { host: '127.0.0.1', port: 8080 })

const hashedPassword = checkedText((v) =>
  /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/.test(v)
    ? undefined
    : 'the password must be a hash: scrypt$N$r$p$salt$hash\nmake one with `nutshell web hash-password`',
)

const hashedToken = checkedText((v) =>
  /^sha256\$[0-9a-f]{64}$/.test(v)
    ? undefined
    : 'the token must be stored as sha256$<64 hex digits>\nmake one with `nutshell web new-token`',
)

export const webSchema = section({
  listen: webListen.optional(),
  tls: tlsSchema.optional(),
  sessionTimeout: duration({ min: 60_000 }).optional(),
  auth: section({
    users: list(
      z.strictObject({
        name: text({ nonEmpty: true }),
        password: hashedPassword,
        role: oneOf(roles),
      }),
    ).optional(),
    tokens: list(
      z.strictObject({
        name: text({ nonEmpty: true }),
        hash: hashedToken,
        role: oneOf(roles),
      }),
    ).optional(),
    nutUsers: z.boolean().register(hints, { expected: 'true or false' }).optional(),
    anonymous: oneOf(['none', ...roles]).optional(),
  }).optional(),
  sse: section({
    maxQueueBytes: int({ min: 1024 }).optional(),
    maxClients: int({ min: 1 }).optional(),
  }).optional(),
})

export function mapWeb(w: z.output<typeof webSchema>, configDir: string): WebConfig {
  const auth = w?.auth
  const config: WebConfig = {
    listen: w?.listen ?? { host: '127.0.0.1', port: 8080 },
    sessionTimeoutMs: w?.sessionTimeout ?? 12 * 3600_000,
    users: (auth?.users ?? []).map((u) => ({ name: u.name, password: u.password, role: u.role })),
    tokens: (auth?.tokens ?? []).map((t) => ({ name: t.name, hash: t.hash, role: t.role })),
    nutUsers: auth?.nutUsers ?? true,
    anonymous: auth?.anonymous ?? 'none',
    sse: {
      maxQueueBytes: w?.sse?.maxQueueBytes ?? 256 * 1024,
      maxClients: w?.sse?.maxClients ?? 200,
    },
  }
  if (w?.tls !== undefined) {
    config.tls = { certFile: resolveConfigPath(configDir, w.tls.certFile) }
    if (w.tls.keyFile !== undefined)
      config.tls.keyFile = resolveConfigPath(configDir, w.tls.keyFile)
  }
  return config
}
