/**
 * The web face inside a real broker with a monitor and rules: /api/monitor, /api/rules
 * and the live stream carry what the monitor and the rules do, as they do it (a power
 * cut from a .seq file on a ManualClock).
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type Broker, startBroker } from '../../src/broker/broker.ts'
import { loadYamlConfig } from '../../src/config/yaml-load.ts'
import { ManualClock } from '../../src/core/manual-clock.ts'
import { freePort } from '../helpers/ports.ts'

const seq = `ups.status: OL
battery.charge: 100
TIMER 60
ups.status: OB DISCHRG
battery.charge: 80
TIMER 3600
`
const rules = `when ups.status has OB for 30s {
  notify "{ups} on battery"
}
`

describe('web face with the monitor and rules', () => {
  let dir: string
  let broker: Broker
  const clock = new ManualClock()
  let base: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nutshell-web-state-'))
    const port = await freePort()
    await writeFile(join(dir, 'cut.seq'), seq)
    await writeFile(join(dir, 'site.rules'), rules)
    await writeFile(
      join(dir, 'nutshell.yaml'),
      `server:
  listen: ["127.0.0.1:${port}"]
devices:
  - { name: ups1, driver: dummy-ups, port: cut.seq, options: { mode: dummy-once } }
users:
  - { name: mon, password: pw, upsmon: primary }
monitor:
  monitors:
    - { system: "ups1@localhost:${port}", user: mon, password: pw, role: primary }
  shutdownCommand: ["/bin/true"]
rules:
  files: [site.rules]
web:
  listen: "127.0.0.1:0"
  auth: { anonymous: viewer }
`,
    )
    const loaded = await loadYamlConfig(join(dir, 'nutshell.yaml'))
    assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics))
    if (!loaded.ok) return
    broker = await startBroker(loaded.value, { clock })
    base = broker.web?.url ?? ''
  })
  after(async () => {
    await broker?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  const get = async (path: string) =>
    (await fetch(new URL(path, base))).json() as Promise<Record<string, unknown>>

  it('shows the monitor, the rule going true, its timer and its firing, live', async () => {
    const events: string[] = []
    const stream = await new Promise<import('node:http').IncomingMessage>((resolve) =>
      request(new URL('/api/events', base), resolve).end(),
    )
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => events.push(chunk))

    const monitor = await get('/api/monitor')
    assert.equal(monitor['configured'], true)
    assert.equal(monitor['shutdownPending'], false)
    const upses = monitor['upses'] as Array<Record<string, unknown>>
    assert.match(String(upses[0]?.['system']), /^ups1@localhost:\d+$/)
    assert.equal(monitor['supplies'], 1)

    const idle = (await get('/api/rules'))['rules'] as Array<{
      instances: Array<Record<string, unknown>>
    }>
    assert.equal(idle[0]?.instances[0]?.['holds'], false)

    clock.advance(61_000)
    const waitFor = async (test: () => Promise<boolean>) => {
      for (let i = 0; i < 500 && !(await test()); i++) await new Promise((r) => setTimeout(r, 10))
    }
    await waitFor(async () => {
      const r = (await get('/api/rules'))['rules'] as Array<{
        instances: Array<Record<string, unknown>>
      }>
      return r[0]?.instances[0]?.['phase'] === 'pending'
    })
    const pending = (
      (await get('/api/rules'))['rules'] as Array<{ instances: Array<Record<string, unknown>> }>
    )[0]
    assert.equal(pending?.instances[0]?.['holds'], true)
    assert.equal(pending?.instances[0]?.['device'], 'ups1')

    clock.advance(31_000)
    await waitFor(async () => events.join('').includes('event: rule'))
    const fired = (
      (await get('/api/rules'))['rules'] as Array<{ instances: Array<Record<string, unknown>> }>
    )[0]
    assert.equal(fired?.instances[0]?.['phase'], 'fired')
    assert.equal(typeof fired?.instances[0]?.['lastFired'], 'string')
    const text = events.join('')
    assert.match(
      text,
      /event: store\ndata: \{"kind":"variable","device":"ups1","name":"ups.status","value":"OB DISCHRG"/,
    )
    assert.match(text, /event: monitor\ndata: \{"kind":"notify","type":"ONBATT"/)
    assert.match(text, /event: rule\ndata: \{[^\n]*"action":"notify"[^\n]*ups1 on battery/)
    stream.destroy()
  })
})
