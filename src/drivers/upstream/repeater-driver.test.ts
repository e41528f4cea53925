import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { describe, it } from 'node:test'
import { silentLogger } from '../../core/log.ts'
import { ManualClock } from '../../core/manual-clock.ts'
import { DeviceStore } from '../../devices/device-store.ts'
import { RepeaterDriver } from './repeater-driver.ts'

/** A port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

describe('RepeaterDriver', () => {
  it('retries an unreachable upstream after 1 s, doubling up to 30 s, and stays lost', async () => {
    const clock = new ManualClock()
    const device = new DeviceStore().add('rep')
    const driver = new RepeaterDriver(
      {
        name: 'rep',
        driver: 'dummy-ups',
        port: `ups@127.0.0.1:${await deadPort()}`,
        options: {},
        flags: [],
      },
      device,
      { clock, log: silentLogger(), configDir: '/nonexistent', statePath: '/nonexistent' },
    )
    await driver.start()
    const delays: number[] = []
    for (let i = 0; i < 7; i++) {
      const due = clock.nextDue()
      assert.ok(due !== undefined)
      delays.push(due - clock.now())
      clock.advance(due - clock.now())
      await driver.pollNow()
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000])
    assert.equal(device.commState, 'lost')
    await driver.stop()
  })

  it('refuses a port that is not ups@host[:port]', () => {
    assert.throws(
      () =>
        new RepeaterDriver(
          { name: 'rep', driver: 'dummy-ups', port: 'ups@[::1', options: {}, flags: [] },
          new DeviceStore().add('rep'),
          { clock: new ManualClock(), log: silentLogger(), configDir: '/', statePath: '/' },
        ),
      /is not ups@host\[:port\]/,
    )
  })
})
