import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { nutBinaries, type RealNut, startRealNut } from '../helpers/nut-peer.ts'
import { run } from '../helpers/processes.ts'

// Proves the harness itself: real dummy-ups and real upsd start, and real upsc reads them.
describe('real NUT harness', () => {
  let nut: RealNut
  before(async () => {
    nut = await startRealNut(
      {
        'ups.conf': '[dummy]\n\tdriver = dummy-ups\n\tport = dummy.dev\n\tdesc = "Harness UPS"\n',
        'dummy.dev': 'ups.status: OL\nbattery.charge: 87\n',
        'upsd.users': '[admin]\n\tpassword = adminpass\n\tactions = SET\n',
      },
      ['dummy'],
    )
  })
  after(async () => {
    await nut?.stop()
  })

  it('serves a dummy-ups device to real upsc', async () => {
    const result = await run(nutBinaries.upsc, [`dummy@127.0.0.1:${nut.port}`, 'battery.charge'])
    assert.equal(result.stdout.trim(), '87', result.stderr)
    assert.equal(result.code, 0)
  })
})
