import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { ServerConfig } from '../../src/config/types.ts'
import { systemClock } from '../../src/core/clock.ts'
import { silentLogger } from '../../src/core/log.ts'
import type { CommandOutcome } from '../../src/devices/command-result.ts'
import type { Device } from '../../src/devices/device.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { typeWords } from '../../src/devices/variable.ts'
import type { Driver } from '../../src/drivers/driver.ts'
import { LazyDriver } from '../../src/drivers/lazy-driver.ts'
import { createDriver } from '../../src/drivers/registry.ts'
import { RepeaterDriver } from '../../src/drivers/upstream/repeater-driver.ts'
import { createNutServer, type NutServer } from '../../src/server/nut-server.ts'
import { testServerConfig } from '../helpers/nut-server-fixture.ts'
import { freePort } from '../helpers/ports.ts'
import { waitFor } from '../helpers/wait.ts'

// nutshell's repeater mirroring a nutshell server: enums, ranges and tracking results that
// dummy-ups cannot produce, changes pushed at once (WATCH), and reconnection after the
// server comes back.

describe('repeater against a nutshell server', () => {
  const upstream = new DeviceStore()
  let source: Device
  let mirror: Device
  let driver: Driver
  let server: NutServer
  let serverConfig: ServerConfig
  const received: string[] = []

  const startServer = async (): Promise<void> => {
    server = createNutServer({
      store: upstream,
      server: serverConfig,
      users: [{ name: 'admin', password: 'pw', actions: ['SET'], instcmds: ['all'] }],
      log: silentLogger(),
    })
    await server.start()
  }

  before(async () => {
    source = upstream.add('src', 'the source')
    source.setValue('ups.status', 'OL')
    source.setValue('ups.beeper.status', 'enabled')
    source.setFlags('ups.beeper.status', { writable: true, kind: 'string' })
    source.setMaxLength('ups.beeper.status', 10)
    source.addEnum('ups.beeper.status', 'enabled')
    source.addEnum('ups.beeper.status', 'disabled')
    source.setValue('input.transfer.high', '260')
    source.setFlags('input.transfer.high', { writable: true, kind: 'number' })
    source.addRange('input.transfer.high', 250, 270)
    source.addCommand('beeper.toggle')
    source.addCommand('test.battery.start')
    source.setCommState('ok')
    source.attachController({
      setVariable: async (name, value): Promise<CommandOutcome> => {
        received.push(`SET ${name}=${value}`)
        source.setValue(name, value)
        return 'SUCCESS'
      },
      instantCommand: async (name, parameter): Promise<CommandOutcome> => {
        received.push(`INSTCMD ${name} ${parameter ?? '-'}`)
        return name === 'beeper.toggle' ? 'SUCCESS' : 'ERR FAILED'
      },
    })
    const port = await freePort()
    serverConfig = testServerConfig({ listen: [{ host: '127.0.0.1', port }] })
    await startServer()
    mirror = new DeviceStore().add('rep')
    driver = createDriver(
      {
        name: 'rep',
        driver: 'dummy-ups',
        port: `src@127.0.0.1:${port}`,
        // A poll a minute: everything below arrives through the push extension.
        options: { username: 'admin', password: 'pw', pollinterval: '60' },
        flags: [],
      },
      mirror,
      {
        clock: systemClock,
        log: silentLogger(),
        configDir: '/nonexistent',
        statePath: '/nonexistent',
      },
    )
    await driver.start()
  })

  after(async () => {
    await driver?.stop()
    await server?.stop()
  })

  it('mirrors enums, ranges and commands', async () => {
    const line = (d: Device, name: string): string => {
      const v = d.getVariable(name)
      return v === undefined
        ? 'missing'
        : `${v.value} ${typeWords(v).join(' ')} ${v.enums} ${JSON.stringify(v.ranges)}`
    }
    assert.equal(mirror.commState, 'ok')
    const real = driver instanceof LazyDriver ? await driver.resolve() : driver
    assert.ok(real instanceof RepeaterDriver && real.pushing, 'WATCH accepted')
    assert.equal(line(mirror, 'ups.beeper.status'), line(source, 'ups.beeper.status'))
    assert.equal(line(mirror, 'input.transfer.high'), line(source, 'input.transfer.high'))
    assert.deepEqual(mirror.listCommands(), ['beeper.toggle', 'test.battery.start'])
  })

  it('passes SET and INSTCMD with a parameter through, with the real tracking result', async () => {
    assert.equal(await mirror.requestSet('ups.beeper.status', 'disabled'), 'SUCCESS')
    assert.equal(await mirror.requestInstantCommand('beeper.toggle', undefined), 'SUCCESS')
    assert.equal(await mirror.requestInstantCommand('test.battery.start', '30'), 'ERR FAILED')
    assert.deepEqual(received, [
      'SET ups.beeper.status=disabled',
      'INSTCMD beeper.toggle -',
      'INSTCMD test.battery.start 30',
    ])
    await waitFor(() => mirror.getValue('ups.beeper.status') === 'disabled', { what: 'mirrored' })
  })

  it('follows the source going stale and coming back', async () => {
    source.setCommState('stale')
    await waitFor(() => mirror.commState === 'stale', { what: 'stale' })
    source.setCommState('ok')
    await waitFor(() => mirror.commState === 'ok', { what: 'ok again' })
  })

  it('goes stale when the server stops and reconnects when it is back', async () => {
    await server.stop()
    await waitFor(() => mirror.commState === 'stale', { what: 'stale' })
    source.setValue('ups.status', 'OB')
    await startServer()
    await waitFor(() => mirror.commState === 'ok' && mirror.getValue('ups.status') === 'OB', {
      what: 'reconnected',
    })
  })

  it('stays DRIVER-NOT-CONNECTED (lost) while the upstream was never reached', async () => {
    const port = await freePort()
    const lonely = new DeviceStore().add('lonely')
    const never = createDriver(
      {
        name: 'lonely',
        driver: 'dummy-ups',
        port: `ups@127.0.0.1:${port}`,
        options: {},
        flags: [],
      },
      lonely,
      {
        clock: systemClock,
        log: silentLogger(),
        configDir: '/nonexistent',
        statePath: '/nonexistent',
      },
    )
    await never.start()
    assert.equal(lonely.commState, 'lost')
    assert.equal(await lonely.requestSet('ups.id', 'x'), 'ERR FAILED', 'no credentials: refused')
    await never.stop()
  })
})
