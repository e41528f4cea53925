import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:net'
import { after, describe, it } from 'node:test'
import fc from 'fast-check'
import pino from 'pino'
import { ManualClock } from '../../core/manual-clock.ts'
import { DeviceStore } from '../../devices/device-store.ts'
import { NisServer } from '../../integrations/apcupsd-nis/nis-server.ts'
import { ApcupsdDriver } from './apcupsd-driver.ts'
import { parseNisTarget } from './nis-fetch.ts'

const servers: Array<{ stop(): Promise<void> } | Server> = []
after(async () => {
  for (const s of servers) {
    if ('stop' in s) await s.stop()
    else await new Promise((r) => s.close(r))
  }
})

function capture() {
  const lines: Array<Record<string, unknown>> = []
  const log = pino(
    { level: 'info', base: null },
    { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) },
  )
  return { log, lines }
}

async function listen(server: Server): Promise<number> {
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const a = server.address()
  return typeof a === 'object' && a !== null ? a.port : 0
}

function driverFor(port: number, clock: ManualClock, log = capture().log) {
  const store = new DeviceStore()
  const device = store.add('apc')
  const driver = new ApcupsdDriver(
    { name: 'apc', driver: 'apcupsd', port: `127.0.0.1:${port}`, options: {}, flags: [] },
    device,
    { clock, log, configDir: '.', statePath: '.' },
  )
  return { store, device, driver }
}

/** Lets the poll that the clock started run to its end (sockets are real). */
async function settle(device: { commState: string }, want: string) {
  for (let i = 0; i < 200 && device.commState !== want; i++)
    await new Promise((r) => setTimeout(r, 10))
}

describe('apcupsd driver', () => {
  it('reads a NIS into NUT variables, and marks failures stale, then lost, with the reason', async () => {
    const source = new DeviceStore()
    const ups = source.add('master')
    ups.update(() => {
      ups.setValue('ups.status', 'OB LB')
      ups.setValue('battery.charge', '9')
      ups.setValue('battery.runtime', '120')
    })
    ups.setCommState('ok')
    const clock = new ManualClock()
    const nis = new NisServer({
      store: source,
      device: 'master',
      host: '127.0.0.1',
      port: 0,
      clock,
      log: capture().log,
      version: 'test',
    })
    await nis.start()
    servers.push(nis)
    const { log, lines } = capture()
    const { device, driver } = driverFor(nis.port, clock, log)
    await driver.start()
    assert.equal(device.commState, 'ok')
    assert.equal(device.getValue('ups.status'), 'OB LB')
    assert.equal(device.getValue('battery.charge'), '9.0')
    assert.equal(device.getValue('battery.runtime'), '120.0') // as NUT's apcupsd-ups
    assert.equal(device.getValue('driver.name'), 'apcupsd')
    await nis.stop()
    servers.pop()
    clock.advance(5000)
    await settle(device, 'stale')
    assert.equal(device.commState, 'stale')
    clock.advance(10_000) // backoff: 5 s, then 10 s
    await new Promise((r) => setTimeout(r, 100))
    clock.advance(20_000)
    await settle(device, 'lost')
    assert.equal(device.commState, 'lost')
    const warnings = lines.filter((l) => /cannot be read/.test(String(l['msg'])))
    assert.equal(warnings.length, 1) // once per outage
    assert.match(String(warnings[0]?.['msg']), /ECONNREFUSED/)
    await driver.stop()
  })

  it('treats garbage and an apcupsd error answer as a failed poll, not a crash', async () => {
    const garbage = await listen(
      createServer((s) => {
        s.on('data', () => s.end(Uint8Array.of(0xff, 0xff, 1, 2, 3)))
      }),
    )
    const clock = new ManualClock()
    const a = driverFor(garbage, clock)
    await a.driver.start()
    assert.equal(a.device.commState, 'stale')
    await a.driver.stop()
    const refusing = await listen(
      createServer((s) => {
        s.on('data', () => s.end('\x00\x11Invalid command\n\x00\x00\x00', 'latin1'))
      }),
    )
    const b = driverFor(refusing, clock)
    await b.driver.start()
    assert.equal(b.device.commState, 'stale')
    await b.driver.stop()
  })

  it('reads host[:port] as apcupsd clients do', () => {
    assert.deepEqual(parseNisTarget('ups.lan'), { host: 'ups.lan', port: 3551 })
    assert.deepEqual(parseNisTarget('[::1]:3552'), { host: '::1', port: 3552 })
    assert.equal(parseNisTarget('a b'), undefined)
    fc.assert(fc.property(fc.string(), (s) => void parseNisTarget(s)))
  })
})
