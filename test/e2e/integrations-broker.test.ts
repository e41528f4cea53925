import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { type Broker, startBroker } from '../../src/broker/broker.ts'
import { loadConfig } from '../../src/config/load.ts'
import { apcupsdPrograms } from '../helpers/apcupsd.ts'
import { freePort } from '../helpers/ports.ts'
import { run } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'

// The integrations as `nutshell serve` wires them from YAML: the Prometheus listener
// serving both paths, fed by the NUT server, the store and the apcupsd NIS face.
describe('integrations in the broker', () => {
  const cleanups: Array<() => Promise<unknown>> = []
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  it('serves /ups_metrics and /metrics on its own listener, counting the other faces', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-integ-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const [nut, prom, nis] = [await freePort(), await freePort(), await freePort()]
    await writeFile(
      join(dir, 'rack.dev'),
      'ups.status: OL CHRG\nbattery.charge: 97\nups.load: 31\ndevice.mfr: Acme\ndevice.model: R1500\n',
    )
    await writeFile(join(dir, 'closet.dev'), 'ups.status: OL\nbattery.charge: 50\n')
    await writeFile(join(dir, 'low.rules'), 'when battery.charge < 60 {\n  log "{ups} is low"\n}\n')
    await writeFile(
      join(dir, 'nutshell.yaml'),
      [
        `server: {listen: ["127.0.0.1:${nut}"]}`,
        'devices:',
        '  - {name: rack, driver: dummy-ups, port: rack.dev}',
        '  - {name: closet, driver: dummy-ups, port: closet.dev}',
        'rules: {files: [low.rules]}',
        'users: [{name: mon, password: pw, upsmon: secondary}]',
        'monitor:',
        `  monitors: [{system: "rack@127.0.0.1:${nut}", user: mon, password: pw, role: secondary}]`,
        '  shutdownCommand: /bin/true',
        'integrations:',
        `  prometheus: {listen: "127.0.0.1:${prom}"}`,
        `  apcupsd: {listen: "127.0.0.1:${nis}", device: closet}`,
        '',
      ].join('\n'),
    )
    const loaded = await loadConfig(join(dir, 'nutshell.yaml'))
    assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics))
    const broker: Broker = await startBroker(loaded.value)
    cleanups.push(() => broker.stop())
    assert.equal(broker.prometheus?.port, prom)
    assert.deepEqual(broker.apcupsd?.ports, [nis])

    const url = `http://127.0.0.1:${prom}`
    const ups = await waitFor(async () => {
      const r = await fetch(`${url}/ups_metrics?ups=rack`)
      const text = await r.text()
      return r.status === 200 && /battery_charge 97/.test(text) ? text : undefined
    })
    assert.match(ups, /network_ups_tools_ups_status\{flag="CHRG"\} 1\n/)
    assert.match(ups, /mfr="Acme",model="R1500"/)
    assert.equal((await fetch(`${url}/ups_metrics`)).status, 500) // two UPSes, no ups=

    // A NUT client held open, and one apcaccess request, show in nutshell's own metrics.
    const held = connect(nut, '127.0.0.1')
    cleanups.push(async () => held.destroy())
    await new Promise((r) => held.once('connect', r))
    const apc = apcupsdPrograms()
    const access = await run(apc.apcaccess, ['-h', `127.0.0.1:${nis}`, '-p', 'BCHARGE'], {
      env: apc.env,
    })
    assert.equal(access.stdout, '50.0 Percent\n')
    const own = await waitFor(async () => {
      const text = await (await fetch(`${url}/metrics`)).text()
      return /nutshell_face_connections\{face="nut"\} 1\n/.test(text) &&
        /nutshell_monitor_supply_online\{/.test(text)
        ? text
        : undefined
    })
    assert.match(own, /nutshell_face_requests_total\{face="apcupsd-nis"\} 1\n/)
    assert.match(own, /nutshell_face_requests_total\{face="prometheus"\} \d+\n/)
    assert.match(own, /nutshell_face_errors_total\{face="prometheus",kind="500"\} 1\n/)
    assert.match(own, /nutshell_device_comm_state\{device="closet",state="ok"\} 1\n/)
    assert.match(
      own,
      new RegExp(`nutshell_monitor_supply_online\\{system="rack@127\\.0\\.0\\.1:${nut}"\\} 1\n`),
    )
    assert.match(own, /nutshell_monitor_shutting_down 0\n/)
    assert.match(own, /nutshell_rule_firings_total\{rule="[^"]*low\.rules:1"\} 1\n/)
    const check = spawnSync('promtool', ['check', 'metrics'], { input: own, encoding: 'utf8' })
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`)
  })
})
