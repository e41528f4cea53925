/**
 * The script driver against a misbehaving device on real TCP (a small simulator of our
 * own speaking the toy protocol of src/drivers/script/toy-pdu.ts): telnet negotiation
 * answered as powermand answers it; a dropped link, garbage, silence and a flood each
 * make the device stale with a reason that says so, and it comes back by itself.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { pino } from 'pino'
import { systemClock } from '../../src/core/clock.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { ScriptDriver } from '../../src/drivers/script/script-driver.ts'
import { ToyPdu, toySpec } from '../../src/drivers/script/toy-pdu.ts'
import { waitFor } from '../helpers/wait.ts'

const dir = mkdtempSync(join(tmpdir(), 'nutshell-script-faults-'))
// One second per action keeps the fault cases short.
writeFileSync(join(dir, 'toy.dev'), toySpec.replace('timeout 5', 'timeout 1'))

type Mode = 'normal' | 'garbage' | 'silent' | 'flood'

class ToyServer {
  mode: Mode = 'normal'
  readonly sockets = new Set<Socket>()
  connections = 0
  /** Bytes received before the first line (telnet answers). */
  telnetAnswers = ''
  private readonly server: Server
  constructor() {
    this.server = createServer((socket) => {
      this.connections++
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
      socket.on('error', () => {})
      const pdu = new ToyPdu()
      // IAC DO TTYPE, IAC DO SGA, IAC DO 99 (unknown), then an escaped 0xFF is not sent.
      socket.write(String.fromCharCode(255, 253, 24, 255, 253, 3, 255, 253, 99), 'latin1')
      let pending = ''
      socket.on('data', (chunk) => {
        // The engine's telnet answers can come between lines: take them out wherever they are.
        const text = chunk.toString('latin1').replace(/\xff[\xfb-\xfe][\s\S]/g, (iac) => {
          this.telnetAnswers += iac
          return ''
        })
        pending += text
        for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
          const line = pending.slice(0, nl).replace(/\r$/, '')
          pending = pending.slice(nl + 1)
          if (this.mode === 'silent') continue
          if (this.mode === 'garbage') socket.write('#$%&*@!\r\n')
          else if (this.mode === 'flood') socket.write('x'.repeat(200_000))
          else {
            const reply = pdu.answer(line)
            if (reply !== undefined) socket.write(reply, 'latin1')
          }
        }
      })
    })
  }
  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => {
        const a = this.server.address()
        resolve(typeof a === 'object' && a !== null ? a.port : 0)
      }),
    )
  }
  dropAll(): void {
    for (const s of this.sockets) s.destroy()
  }
  close(): Promise<void> {
    this.dropAll()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

const servers: ToyServer[] = []
after(async () => {
  await Promise.all(servers.map((s) => s.close()))
  rmSync(dir, { recursive: true, force: true })
})

async function start(): Promise<{
  server: ToyServer
  store: DeviceStore
  driver: ScriptDriver
  logs: string[]
}> {
  const server = new ToyServer()
  servers.push(server)
  const port = await server.listen()
  const store = new DeviceStore()
  const logs: string[] = []
  const log = pino({ level: 'debug' }, { write: (line: string) => logs.push(line) })
  const driver = new ScriptDriver(
    {
      name: 'toy',
      driver: 'script',
      port: `127.0.0.1:${port}`,
      options: { script: 'toy.dev', nodes: 'web[1-3]', pollinterval: '0.5' },
      flags: [],
    },
    store.add('toy'),
    { clock: systemClock, log, configDir: dir, statePath: dir },
  )
  await driver.start()
  return { server, store, driver, logs }
}

const ok = (store: DeviceStore) => () => store.get('toy')?.commState === 'ok'
const stale = (store: DeviceStore) => () => store.get('toy')?.commState === 'stale'

describe('the script driver against a misbehaving TCP device', { timeout: 60_000 }, () => {
  it('answers telnet negotiation as powermand does and comes up', async () => {
    const { server, store, driver } = await start()
    await waitFor(ok(store), { what: 'device ok' })
    // WONT TTYPE, WILL SGA; nothing for the unknown option.
    assert.equal(server.telnetAnswers, '\xff\xfc\x18\xff\xfb\x03')
    assert.equal(store.get('toy')?.getValue('outlet.2.desc'), 'web2')
    assert.equal(store.get('toy')?.getValue('outlet.2.status'), 'off')
    await driver.stop()
  })

  for (const [mode, reason] of [
    ['garbage', /unmatched input "#\$%&\*@!/],
    ['silent', /the device sent nothing/],
    ['flood', /bytes dropped/],
  ] as const) {
    it(`goes stale on ${mode} with a reason, reconnects, and recovers`, async () => {
      const { server, store, driver, logs } = await start()
      await waitFor(ok(store), { what: 'device ok' })
      server.mode = mode
      await waitFor(stale(store), { what: `stale on ${mode}` })
      await waitFor(() => logs.some((l) => reason.test(JSON.parse(l).msg ?? '')), {
        what: `a log line matching ${reason}`,
      })
      server.mode = 'normal'
      await waitFor(ok(store), { what: 'device back', timeoutMs: 20_000 })
      assert.ok(server.connections >= 2, 'the link was torn down and made again')
      await driver.stop()
    })
  }

  it('goes stale when the TCP link drops, and reconnects', async () => {
    const { server, store, driver, logs } = await start()
    await waitFor(ok(store), { what: 'device ok' })
    server.dropAll()
    await waitFor(stale(store), { what: 'stale after the drop' })
    assert.ok(logs.some((l) => /closed the connection/.test(l)))
    await waitFor(ok(store), { what: 'device back', timeoutMs: 20_000 })
    assert.equal(server.connections, 2)
    await driver.stop()
  })
})
