/**
 * A web server on 127.0.0.1:0 over a store with one UPS ("ups1") whose controller answers
 * commands and SETs, and users of each role. For the web face's tests.
 */

import type { UserConfig } from '../../src/config/types.ts'
import { defaultWebConfig, type WebConfig } from '../../src/config/web-config.ts'
import type { Clock } from '../../src/core/clock.ts'
import { silentLogger } from '../../src/core/log.ts'
import { ManualClock } from '../../src/core/manual-clock.ts'
import type { CommandOutcome } from '../../src/devices/command-result.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { descriptionsFrom } from '../../src/server/descriptions.ts'
import { hashPassword } from '../../src/web/auth/password.ts'
import { startWebServer, type WebServer } from '../../src/web/server.ts'

export interface WebFixture {
  web: WebServer
  store: DeviceStore
  clock: Clock
  /** Requests the controller received. */
  requests: Array<{ kind: 'instcmd' | 'set'; name: string; value: string | undefined }>
  stop(): Promise<void>
}

let hashes: Promise<Record<string, string>> | undefined

/** scrypt is slow on purpose: hash the test passwords once per process. */
export function testHashes(): Promise<Record<string, string>> {
  hashes ??= (async () => ({
    viewer: await hashPassword('viewer-pw'),
    operator: await hashPassword('operator-pw'),
    admin: await hashPassword('admin-pw'),
  }))()
  return hashes
}

export function fillUps(store: DeviceStore, name = 'ups1'): void {
  const device = store.add(name, 'Test UPS')
  device.update(() => {
    device.setValue('ups.status', 'OL')
    device.setValue('battery.charge', '100')
    device.setValue('battery.runtime', '1800')
    device.setValue('ups.load', '23')
    device.setValue('input.voltage', '230.1')
    device.setValue('ups.mfr', 'Test')
    device.setFlags('ups.mfr', { writable: false, kind: 'string' })
    device.setValue('battery.charge.low', '20')
    device.setFlags('battery.charge.low', { writable: true, kind: 'number' })
    device.addRange('battery.charge.low', 5, 50)
    device.setValue('ups.id', 'rack')
    device.setFlags('ups.id', { writable: true, kind: 'string' })
    device.setMaxLength('ups.id', 8)
    device.addCommand('test.battery.start')
    device.addCommand('beeper.disable')
    device.addCommand('outlet.1.load.on')
    device.addCommand('outlet.1.load.off')
  })
  device.setCommState('ok')
}

export async function startWebFixture(
  options: {
    config?: Partial<WebConfig>
    nutUsers?: UserConfig[]
    clock?: Clock
    outcome?: (kind: string, name: string) => Promise<CommandOutcome>
  } = {},
): Promise<WebFixture> {
  const store = new DeviceStore()
  fillUps(store)
  const requests: WebFixture['requests'] = []
  const outcome = options.outcome ?? (async () => 'SUCCESS' as const)
  store.get('ups1')?.attachController({
    setVariable: (name, value) => {
      requests.push({ kind: 'set', name, value })
      return outcome('set', name)
    },
    instantCommand: (name, parameter) => {
      requests.push({ kind: 'instcmd', name, value: parameter })
      return outcome('instcmd', name)
    },
  })
  const h = await testHashes()
  const clock = options.clock ?? new ManualClock()
  const config = defaultWebConfig({
    listen: { host: '127.0.0.1', port: 0 },
    users: [
      { name: 'vera', password: h['viewer'] as string, role: 'viewer' },
      { name: 'otto', password: h['operator'] as string, role: 'operator' },
      { name: 'ada', password: h['admin'] as string, role: 'admin' },
    ],
    ...options.config,
  })
  const web = await startWebServer({
    config,
    nutUsers: options.nutUsers ?? [],
    store,
    monitor: () => undefined,
    rules: () => undefined,
    nutServer: () => undefined,
    minSupplies: () => 0,
    clock,
    log: silentLogger(),
    descriptions: descriptionsFrom(
      new Map([['battery.charge', 'Battery charge (percent of full)']]),
      new Map([['test.battery.start', 'Start a battery test']]),
    ),
  })
  return { web, store, clock, requests, stop: () => web.stop() }
}

/** Logs in through the API; returns the cookie header and CSRF token to send back. */
export async function login(
  web: WebServer,
  name: string,
  password: string,
): Promise<{ cookie: string; csrf: string }> {
  const res = await web.app.inject({
    method: 'POST',
    url: '/api/login',
    payload: { name, password },
  })
  if (res.statusCode !== 200) throw new Error(`login ${name}: ${res.statusCode} ${res.body}`)
  const cookies = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  return { cookie: cookies, csrf: (res.json() as { csrf: string }).csrf }
}
