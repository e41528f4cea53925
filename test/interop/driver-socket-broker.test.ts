import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Broker, startBroker } from '../../src/broker/broker.ts'
import { loadNutConfigDir } from '../../src/config/nut-dir.ts'
import { createNutDir, type NutDir, nutBinaries } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup, run } from '../helpers/processes.ts'
import { canConnect, waitFor } from '../helpers/wait.ts'

// The whole chain: nutshell's built-in dummy-ups driver → nutshell's store → the driver
// socket → Debian's REAL upsd (`driver = nutshell`) → the REAL upsc and upsrw.
describe('nutshell serve exposing its devices to a real upsd', () => {
  let ours: NutDir
  let theirs: NutDir
  let broker: Broker
  let port: number
  const processes = new ProcessGroup()

  before(async () => {
    ours = await createNutDir({
      'ups.conf': '[sim]\n  driver = dummy-ups\n  port = sim.dev\n  desc = "simulated"\n',
      'sim.dev': 'ups.mfr: Nutshell\nups.status: OL\nups.id: one\nbattery.charge: 77\n',
      'upsd.conf': `LISTEN 127.0.0.1 ${await freePort()}\n`,
      'upsd.users': '',
    })
    port = await freePort()
    theirs = await createNutDir({
      'ups.conf': '[sim]\n  driver = nutshell\n  port = none\n',
      'upsd.conf': `LISTEN 127.0.0.1 ${port}\n`,
      'upsd.users': '[admin]\n  password = adminpass\n  actions = SET\n',
    })
    const loaded = await loadNutConfigDir(ours.etc, { env: ours.env })
    assert.ok(loaded.ok)
    broker = await startBroker(loaded.value, { driverSockets: { statePath: theirs.run } })
    processes.start('upsd', nutBinaries.upsd, ['-u', 'root', '-F'], theirs.env)
    await waitFor(() => canConnect(port), { what: 'real upsd' })
  })

  after(async () => {
    await processes.stopAll()
    await broker.stop()
    await ours.cleanup()
    await theirs.cleanup()
  })

  it('serves the built-in driver data through real upsd, SET included', async () => {
    const upsc = (v: string) => run(nutBinaries.upsc, [`sim@127.0.0.1:${port}`, v])
    await waitFor(async () => (await upsc('battery.charge')).stdout.trim() === '77', {
      what: 'data through real upsd',
    })
    const set = await run(nutBinaries.upsrw, [
      '-s',
      'ups.id=two',
      '-u',
      'admin',
      '-p',
      'adminpass',
      '-w',
      `sim@127.0.0.1:${port}`,
    ])
    assert.match(set.stdout + set.stderr, /SUCCESS/)
    assert.equal(broker.store.get('sim')?.getValue('ups.id'), 'two')
    await waitFor(async () => (await upsc('ups.id')).stdout.trim() === 'two', {
      what: 'SET visible through real upsd',
    })
  })
})
