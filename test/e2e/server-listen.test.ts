import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { defaultServerLimits, type ServerConfig } from '../../src/config/types.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { createNutServer } from '../../src/server/nut-server.ts'
import { canConnect } from '../helpers/wait.ts'

// 192.0.2.1 (TEST-NET-1) is on no interface of this host: binding to it fails at once with
// EADDRNOTAVAIL, which stands for "::1 on a host without IPv6". Nothing is ever sent to it.
const absent = '192.0.2.1'

function config(listen: ServerConfig['listen']): ServerConfig {
  return {
    listen,
    maxAgeMs: 15_000,
    trackingDelayMs: 60_000,
    statePath: '/tmp',
    limits: defaultServerLimits,
  }
}

describe('NUT server listeners', () => {
  it('goes on without an optional address this host does not have', async () => {
    const server = createNutServer({
      store: new DeviceStore(),
      users: [],
      server: config([
        { host: '127.0.0.1', port: 0 },
        { host: absent, port: 0, optional: true },
      ]),
    })
    await server.start()
    try {
      const [only, ...rest] = server.addresses()
      assert.equal(rest.length, 0)
      assert.ok(only !== undefined && (await canConnect(only.port)))
    } finally {
      await server.stop()
    }
  })

  it('refuses to start when a configured address cannot be used', async () => {
    const server = createNutServer({
      store: new DeviceStore(),
      users: [],
      server: config([
        { host: '127.0.0.1', port: 0 },
        { host: absent, port: 0 },
      ]),
    })
    await assert.rejects(server.start(), /cannot listen on 192\.0\.2\.1/)
  })
})
