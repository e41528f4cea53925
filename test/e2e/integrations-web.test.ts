import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { type Broker, startBroker } from '../../src/broker/broker.ts'
import { loadConfig } from '../../src/config/load.ts'
import { freePort } from '../helpers/ports.ts'
import { waitFor } from '../helpers/wait.ts'

// Prometheus without a listener of its own: /metrics and /ups_metrics on the web face's.
describe('prometheus on the web listener', () => {
  const cleanups: Array<() => Promise<unknown>> = []
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  async function broker(prometheus: string): Promise<Broker> {
    const dir = await mkdtemp(join(tmpdir(), 'ns-promweb-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    await writeFile(join(dir, 'rack.dev'), 'ups.status: OL\nbattery.charge: 88\nups.load: 12\n')
    await writeFile(
      join(dir, 'nutshell.yaml'),
      [
        `server: {listen: ["127.0.0.1:${await freePort()}"]}`,
        'devices:',
        '  - {name: rack, driver: dummy-ups, port: rack.dev}',
        `web: {listen: "127.0.0.1:${await freePort()}"}`,
        'integrations:',
        `  prometheus: ${prometheus}`,
        '',
      ].join('\n'),
    )
    const loaded = await loadConfig(join(dir, 'nutshell.yaml'))
    assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics))
    const started = await startBroker(loaded.value)
    cleanups.push(() => started.stop())
    return started
  }

  it('answers /ups_metrics?ups=X and /metrics without login, and promtool accepts both', async () => {
    const b = await broker('{}')
    assert.equal(b.prometheus?.port, undefined) // no listener of its own
    const url = new URL(b.web?.url ?? '')
    const ups = await waitFor(async () => {
      const r = await fetch(new URL('/ups_metrics?ups=rack', url))
      const text = await r.text()
      return r.status === 200 && /battery_charge 88/.test(text) ? text : undefined
    })
    assert.match(ups, /network_ups_tools_ups_status\{flag="OL"\} 1\n/)
    const own = await fetch(new URL('/metrics', url))
    assert.equal(own.status, 200)
    const body = await own.text()
    assert.match(body, /nutshell_device_comm_state\{device="rack",state="ok"\} 1\n/)
    for (const text of [ups, body]) {
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
      assert.equal(check.status, 0, `${check.stdout}${check.stderr}`)
    }
  })

  it('asks for a login there when integrations.prometheus.auth is true', async () => {
    const b = await broker('{auth: true}')
    const url = new URL(b.web?.url ?? '')
    assert.equal((await fetch(new URL('/ups_metrics?ups=rack', url))).status, 401)
    assert.equal((await fetch(new URL('/metrics', url))).status, 401)
  })
})
