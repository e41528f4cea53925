import assert from 'node:assert/strict'
import { lookup } from 'node:dns/promises'
import { connect } from 'node:net'
import { describe, it } from 'node:test'
import { pino } from 'pino'
import { defaultServerLimits, type ServerConfig } from '../../src/config/types.ts'
import { parseYamlConfig } from '../../src/config/yaml-load.ts'
import type { Logger } from '../../src/core/log.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { createNutServer } from '../../src/server/nut-server.ts'
import { startRealNut } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { canConnect, waitFor } from '../helpers/wait.ts'

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

/** The first reply line to `request` on 127.0.0.1:port. */
function ask(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    let text = ''
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write(`${request}\n`))
    socket.on('data', (chunk: string) => {
      text += chunk
      if (text.includes('\n')) {
        socket.destroy()
        resolve(text.slice(0, text.indexOf('\n')))
      }
    })
    socket.on('error', reject)
  })
}

/** A logger whose warnings the test reads. */
function recordingLogger(): { log: Logger; messages: string[] } {
  const messages: string[] = []
  const log: Logger = pino(
    { level: 'warn' },
    { write: (line: string) => messages.push((JSON.parse(line) as { msg: string }).msg) },
  )
  return { log, messages }
}

describe('a LISTEN repeated, as upsd 2.8.0 takes it', () => {
  it('real upsd: repeated and localhost-beside-127.0.0.1 LISTENs log "not listening" and it serves', async () => {
    const port = await freePort()
    const nut = await startRealNut(
      {
        'ups.conf': '[dummy]\n\tdriver = dummy-ups\n\tport = d.dev\n',
        'd.dev': 'ups.mfr: Acme\nups.status: OL\n',
        'upsd.conf': `LISTEN 127.0.0.1 ${port}\nLISTEN 127.0.0.1 ${port}\nLISTEN localhost ${port}\n`,
      },
      ['dummy'],
      { port },
    )
    try {
      assert.equal(await ask(port, 'GET VAR dummy ups.mfr'), 'VAR dummy ups.mfr "Acme"')
      const output = nut.processes.outputOf('upsd')
      assert.match(output, new RegExp(`listening on \\S+ port ${port}`))
      assert.match(output, new RegExp(`not listening on \\S+ port ${port}`))
    } finally {
      await nut.stop()
    }
  })

  it('nutshell: the same LISTEN lines start the server, which serves on what it bound', async () => {
    const port = await freePort()
    const store = new DeviceStore()
    store.add('dummy').setCommState('ok')
    const { log, messages } = recordingLogger()
    const localhost = await lookup('localhost')
    const server = createNutServer({
      store,
      users: [],
      log,
      server: config([
        { host: '127.0.0.1', port },
        { host: '127.0.0.1', port },
        { host: 'localhost', port },
      ]),
    })
    await server.start()
    try {
      // Where localhost is 127.0.0.1 (as here in CI) it is a repeat; where it is ::1 it is not.
      const distinct = localhost.address === '127.0.0.1' ? 1 : 2
      assert.equal(server.addresses().length, distinct)
      assert.equal(
        messages.filter((m) => m.startsWith('already listening there')).length,
        3 - distinct,
      )
      assert.equal(await ask(port, 'GET VAR dummy no.such'), 'ERR VAR-NOT-SUPPORTED')
    } finally {
      await server.stop()
    }
  })

  it('nutshell: a wildcard listener covers a later loopback LISTEN on its port', async () => {
    const port = await freePort('0.0.0.0')
    const { log, messages } = recordingLogger()
    const server = createNutServer({
      store: new DeviceStore(),
      users: [],
      log,
      server: config([
        { host: '0.0.0.0', port },
        { host: '127.0.0.1', port },
      ]),
    })
    await server.start()
    try {
      assert.deepEqual(server.addresses(), [{ host: '0.0.0.0', port }])
      assert.equal(messages.length, 1)
      assert.ok(await canConnect(port))
    } finally {
      await server.stop()
    }
  })

  it('nutshell: a port another program holds still stops the start', async () => {
    const holder = createNutServer({
      store: new DeviceStore(),
      users: [],
      server: config([{ host: '127.0.0.1', port: 0 }]),
    })
    await holder.start()
    try {
      const port = holder.addresses()[0]?.port as number
      const server = createNutServer({
        store: new DeviceStore(),
        users: [],
        server: config([{ host: '127.0.0.1', port }]),
      })
      await assert.rejects(server.start(), /cannot listen on 127\.0\.0\.1/)
    } finally {
      await holder.stop()
    }
  })

  it('nutshell: the YAML listen list with a repeat starts as well', async () => {
    const port = await freePort()
    const loaded = parseYamlConfig(
      `server:\n  listen:\n    - 127.0.0.1:${port}\n    - "127.0.0.1:${port}"\n    - { host: 127.0.0.1, port: ${port} }\n`,
      'nutshell.yaml',
    )
    assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics))
    const server = createNutServer({
      store: new DeviceStore(),
      users: [],
      server: loaded.value.server,
    })
    await server.start()
    try {
      assert.deepEqual(server.addresses(), [{ host: '127.0.0.1', port }])
      await waitFor(() => canConnect(port), { what: 'the listener' })
    } finally {
      await server.stop()
    }
  })
})
