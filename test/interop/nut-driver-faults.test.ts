import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { pino } from 'pino'
import { systemClock } from '../../src/core/clock.ts'
import { ManualClock } from '../../src/core/manual-clock.ts'
import type { Device } from '../../src/devices/device.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { StateSocketLink } from '../../src/drivers/nut/state-socket-link.ts'
import { waitFor } from '../helpers/wait.ts'

/**
 * A misbehaving driver (our own fake on a real AF_UNIX socket): garbage, floods, over-long
 * lines, silence, DATASTALE, missing TRACKING answers, dying and coming back. The link must
 * mark the device stale, never crash, recover, and log at most two lines per outage.
 */
class FakeDriver {
  server: Server | undefined
  clients = new Set<Socket>()
  received: string[] = []
  answerPing = true
  vars = new Map<string, string>([
    ['ups.status', 'OL'],
    ['ups.mfr', 'Fake'],
  ])

  readonly path: string

  constructor(path: string) {
    this.path = path
  }

  async start(): Promise<void> {
    this.server = createServer((socket) => {
      this.clients.add(socket)
      socket.on('close', () => this.clients.delete(socket))
      socket.on('error', () => {})
      socket.setEncoding('utf8')
      let buffer = ''
      socket.on('data', (chunk: string) => {
        buffer += chunk
        let lf = buffer.indexOf('\n')
        while (lf >= 0) {
          const line = buffer.slice(0, lf)
          buffer = buffer.slice(lf + 1)
          this.received.push(line)
          if (line === 'DUMPALL') socket.write(this.dump())
          if (line === 'PING' && this.answerPing) socket.write('PONG\n')
          lf = buffer.indexOf('\n')
        }
      })
    })
    const server = this.server
    await new Promise<void>((resolve) => server.listen(this.path, resolve))
  }

  dump(): string {
    let out = ''
    for (const [name, value] of this.vars) out += `SETINFO ${name} "${value}"\n`
    return `${out}ADDCMD load.off\nDATAOK\nDUMPDONE\n`
  }

  send(text: string): void {
    for (const client of this.clients) client.write(text)
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.destroy()
    const server = this.server
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

describe('NUT driver link against a misbehaving driver', () => {
  let base: string
  let fake: FakeDriver
  let link: StateSocketLink
  let device: Device
  const logLines: Array<{ level: number; msg: string }> = []
  const store = new DeviceStore()

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'ns-fault-'))
    fake = new FakeDriver(join(base, 'fake-ups'))
    device = store.add('ups')
    const log = pino(
      { level: 'info' },
      {
        write: (line: string) => logLines.push(JSON.parse(line) as { level: number; msg: string }),
      },
    )
    link = new StateSocketLink({
      device,
      socketPath: fake.path,
      clock: systemClock,
      log,
      maxAgeMs: 600,
      distrustMs: 200,
      commandTimeoutMs: 200,
      maxLinesPerSecond: 100,
      maxLineLength: 1024,
    })
    device.attachController(link)
    // The driver is not running yet: the link waits and picks it up when it appears.
    link.start()
    await waitFor(() => device.commState === 'lost', { what: 'lost at first' })
    await fake.start()
    await waitFor(() => device.commState === 'ok' && device.getValue('ups.mfr') === 'Fake', {
      what: 'attached once the driver appeared',
    })
  })

  after(async () => {
    await link.stop()
    await fake.stop()
    await rm(base, { recursive: true, force: true })
  })

  const staleThenOk = async (what: string, fault: () => void): Promise<void> => {
    const states: string[] = []
    const off = store.onChange((c) => {
      if (c.kind === 'comm') states.push(c.state)
    })
    const before = logLines.length
    const dumps = fake.received.filter((l) => l === 'DUMPALL').length
    fault()
    await waitFor(() => states.includes('stale'), { what: `${what}: stale` })
    await waitFor(() => device.commState === 'ok', { what: `${what}: ok again` })
    off()
    assert.deepEqual(states, ['stale', 'ok'], `${what}: no flapping`)
    assert.ok(logLines.length - before <= 2, `${what}: at most 2 log lines`)
    assert.ok(
      fake.received.filter((l) => l === 'DUMPALL').length > dumps,
      `${what}: resynchronised ${JSON.stringify(fake.received.slice(-8))} ${dumps}`,
    )
  }

  it('treats control bytes and broken quoting as garbage, then resynchronises', async () => {
    fake.vars.delete('ups.mfr')
    await staleThenOk('control bytes', () => fake.send('SETINFO ups.x "a\u0001b"\n'))
    assert.equal(device.getValue('ups.mfr'), undefined, 'resync dropped what vanished')
    await staleThenOk('hash', () => fake.send('SETINFO ups.model "Model #1"\nSETAUX x y\n'))
  })

  it('survives over-long lines without buffering them', async () => {
    await staleThenOk('long line', () => fake.send(`SETINFO ups.x "${'x'.repeat(200_000)}"\n`))
    assert.equal(device.getValue('ups.x'), undefined)
  })

  it('marks a flooding driver stale', async () => {
    await staleThenOk('flood', () => {
      let text = ''
      for (let i = 0; i < 2000; i++) text += `SETINFO battery.charge "${i % 100}"\n`
      fake.send(text)
    })
  })

  it('tolerates a few unknown messages', async () => {
    fake.send('HELLO there\nPID 42\n')
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.equal(device.commState, 'ok')
  })

  it('honours DATASTALE and DATAOK', async () => {
    fake.send('DATASTALE\n')
    await waitFor(() => device.commState === 'stale', { what: 'DATASTALE' })
    fake.send('DATAOK\n')
    await waitFor(() => device.commState === 'ok', { what: 'DATAOK' })
  })

  it('pings a quiet driver and marks a silent one stale', async () => {
    const pings = fake.received.filter((l) => l === 'PING').length
    fake.answerPing = false
    await waitFor(() => device.commState === 'stale', { what: 'silent → stale' })
    assert.ok(fake.received.filter((l) => l === 'PING').length > pings, 'PING sent')
    fake.answerPing = true
    await waitFor(() => device.commState === 'ok', { what: 'PONG → ok' })
  })

  it('settles commands the driver never answers, and forwards the answer it gives', async () => {
    assert.equal(await device.requestSet('ups.id', 'x'), 'ERR UNKNOWN')
    assert.ok(fake.received.some((l) => /^SET ups.id "x" TRACKING [0-9A-F-]{36}$/.test(l)))
    const answered = device.requestInstantCommand('load.off', '5')
    await waitFor(() => fake.received.some((l) => l.startsWith('INSTCMD load.off "5" TRACKING')), {
      what: 'INSTCMD sent',
    })
    const line = fake.received.find((l) => l.startsWith('INSTCMD load.off "5" TRACKING')) ?? ''
    const id = line.split(' ').at(-1)?.toLowerCase() ?? ''
    fake.send(`TRACKING ${id} 3\n`)
    assert.equal(await answered, 'ERR FAILED')
  })

  it('reattaches with fresh data when the driver dies and comes back', async () => {
    const states: string[] = []
    const off = store.onChange((c) => {
      if (c.kind === 'comm') states.push(c.state)
    })
    const before = logLines.length
    await fake.stop()
    await waitFor(() => device.commState === 'lost', { what: 'lost' })
    assert.equal(await device.requestSet('ups.id', 'y'), 'ERR FAILED')
    fake.vars.set('ups.mfr', 'Reborn')
    await fake.start()
    await waitFor(() => device.commState === 'ok' && device.getValue('ups.mfr') === 'Reborn', {
      what: 'fresh data',
    })
    off()
    assert.deepEqual(states, ['lost', 'ok'])
    assert.ok(logLines.length - before <= 2, 'at most 2 log lines per outage')
  })
})

describe('NUT driver link on a manual clock', () => {
  it('judges silence on monotonic time only: wall-clock jumps flip nothing', async () => {
    const base = await mkdtemp(join(tmpdir(), 'ns-clock-'))
    const fake = new FakeDriver(join(base, 'fake-ups'))
    fake.answerPing = false
    await fake.start()
    const clock = new ManualClock()
    const device = new DeviceStore().add('ups')
    const link = new StateSocketLink({
      device,
      socketPath: fake.path,
      clock,
      log: pino({ level: 'silent' }),
      maxAgeMs: 15_000,
    })
    try {
      link.start()
      await waitFor(() => device.commState === 'ok' && device.getValue('ups.mfr') === 'Fake', {
        what: 'attached',
      })
      clock.jumpWall(3_600_000)
      clock.advance(10_000)
      clock.jumpWall(-7_200_000)
      clock.advance(5_000)
      assert.equal(device.commState, 'ok', 'MAXAGE of silence is still fresh')
      await waitFor(() => fake.received.includes('PING'), { what: 'PING after MAXAGE/3' })
      clock.advance(1)
      assert.equal(device.commState, 'stale', 'a millisecond past MAXAGE is stale')
      fake.send('PONG\n')
      await waitFor(() => device.commState === 'ok', { what: 'PONG makes it fresh' })
    } finally {
      await link.stop()
      await fake.stop()
      await rm(base, { recursive: true, force: true })
    }
  })
})
