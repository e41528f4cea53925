import type { BrokerConfig } from '../config/types.ts'
import type { DeviceStore } from '../devices/device-store.ts'
import type { Rule } from '../rules/ast.ts'
import type { NutServer } from '../server/nut-server.ts'
import type { Watch } from './watch.ts'

/**
 * The one line a broker logs once it runs: what it serves and watches, as a sentence for
 * people and as fields for machines.
 * `nutshell serve started: 1 device, listening on 127.0.0.1:3493, 2 users, monitor on (1 UPS), 3 rules`
 */
export function startupSummary(parts: {
  mode: string
  config: BrokerConfig
  server: NutServer | undefined
  store: DeviceStore
  watch: Watch | undefined
}): { text: string; fields: Record<string, unknown> } {
  const devices = parts.store.list().length
  const listeners = (parts.server?.addresses() ?? []).map(({ host, port }) =>
    host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
  )
  const users = parts.config.users.length
  const watched = parts.watch?.monitor?.monitor.view().length
  const rules = (parts.watch?.rules?.loaded ?? []).reduce((n, f) => n + countRules(f.file.rules), 0)
  const words = [
    plural(devices, 'device'),
    ...(parts.server === undefined
      ? []
      : [listeners.length === 0 ? 'listening nowhere' : `listening on ${listeners.join(', ')}`]),
    ...(parts.server === undefined ? [] : [plural(users, 'user')]),
    watched === undefined ? 'monitor off' : `monitor on (${plural(watched, 'UPS', 'UPSes')})`,
    plural(rules, 'rule'),
  ]
  return {
    text: `nutshell ${parts.mode} started: ${words.join(', ')}`,
    fields: {
      mode: parts.mode,
      devices,
      listeners,
      users,
      monitor: watched === undefined ? 'off' : 'on',
      rules,
    },
  }
}

function countRules(rules: readonly Rule[]): number {
  return rules.reduce((n, r) => n + (r.kind === 'device' ? countRules(r.rules) : 1), 0)
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}
