import assert from 'node:assert/strict'
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type Broker, startBroker } from '../../src/broker/broker.ts'
import { loadNutConfigDir } from '../../src/config/nut-dir.ts'
import { createNutDir, type NutDir, nutBinaries } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { run } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'

// `nutshell serve --nut-confpath DIR` with a ups.conf section whose driver is not built in:
// the broker starts that NUT C driver from ups.conf's `driverpath` as upsdrvctl would and
// serves it. The "foreign" driver is Debian's real dummy-ups under another name (a NUT
// driver's name is its program name), so it is not taken for nutshell's built-in one.
describe('broker running a NUT C driver from ups.conf', () => {
  let dir: NutDir
  let broker: Broker
  let port: number

  before(async () => {
    port = await freePort()
    dir = await createNutDir({
      'box.dev': 'ups.mfr: Foreign\nups.status: OL\n',
      'upsd.conf': `LISTEN 127.0.0.1 ${port}\nMAXAGE 5\n`,
      'upsd.users': '',
    })
    const drivers = join(dir.base, 'drv')
    await mkdir(drivers)
    await symlink(nutBinaries.dummyUps, join(drivers, 'foreign-ups'))
    await writeFile(
      join(dir.etc, 'ups.conf'),
      `driverpath = ${drivers}\nuser = root\n[box]\n  driver = foreign-ups\n  port = box.dev\n`,
    )
    const loaded = await loadNutConfigDir(dir.etc, { env: dir.env })
    assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics))
    broker = await startBroker(loaded.value)
  })

  after(async () => {
    await broker.stop()
    await dir.cleanup()
  })

  it('starts the driver, attaches to its socket and serves its data', async () => {
    await waitFor(
      async () => {
        const r = await run(nutBinaries.upsc, [`box@127.0.0.1:${port}`, 'ups.mfr'])
        return r.stdout.trim() === 'Foreign'
      },
      { what: 'foreign driver data through nutshell', timeoutMs: 10_000 },
    )
    assert.equal(broker.store.get('box')?.getValue('driver.name'), 'foreign-ups')
  })
})
