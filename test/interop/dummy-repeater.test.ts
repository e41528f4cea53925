import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { NutClient } from '../../src/client/index.ts'
import { systemClock } from '../../src/core/clock.ts'
import { silentLogger } from '../../src/core/log.ts'
import type { Device } from '../../src/devices/device.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { typeWords } from '../../src/devices/variable.ts'
import type { Driver } from '../../src/drivers/driver.ts'
import { createDriver } from '../../src/drivers/registry.ts'
import { type RealNut, startRealNut } from '../helpers/nut-peer.ts'
import { waitFor } from '../helpers/wait.ts'

// nutshell's repeater (dummy-ups with port = ups@host:port) mirroring Debian's real upsd
// serving Debian's real dummy-ups; SET and INSTCMD go through to the real upsd.

const files = {
  'ups.conf': '[src]\n  driver = dummy-ups\n  port = src.dev\n  desc = "the source"\n',
  'src.dev': [
    'ups.mfr: Acme',
    'ups.model: "Box \\"9\\""',
    'ups.status: OL CHRG',
    'ups.id: first',
    'battery.charge: 87',
    'input.sensitivity: H',
    'custom.x: a=b',
    '',
  ].join('\n'),
  'upsd.users': '[admin]\n  password = adminpass\n  actions = SET\n  instcmds = ALL\n',
}

function view(lines: Array<{ name: string; value: string; type: string }>): string[] {
  return lines
    .filter((v) => !v.name.startsWith('driver.') && !v.name.startsWith('server.'))
    .map((v) => `${v.name}=${JSON.stringify(v.value)} [${v.type}]`)
}

describe('repeater against real upsd + dummy-ups', () => {
  let real: RealNut
  let client: NutClient
  let device: Device
  let driver: Driver

  before(async () => {
    real = await startRealNut(files, ['src'])
    client = await NutClient.connect({ host: '127.0.0.1', port: real.port })
    device = new DeviceStore().add('rep')
    driver = createDriver(
      {
        name: 'rep',
        driver: 'dummy-ups',
        port: `src@127.0.0.1:${real.port}`,
        options: { username: 'admin', password: 'adminpass' },
        flags: [],
      },
      device,
      { clock: systemClock, log: silentLogger(), configDir: real.dir.etc, statePath: real.dir.run },
    )
    await driver.start()
  })

  after(async () => {
    await driver?.stop()
    await client?.close()
    await real?.stop()
  })

  async function realLines(): Promise<Array<{ name: string; value: string; type: string }>> {
    const vars = await client.listVars('src')
    return Promise.all(
      vars.map(async (v) => ({
        ...v,
        type: (await client.getType('src', v.name)).flags.join(' '),
      })),
    )
  }

  it('mirrors every variable with its type, and the commands', async () => {
    assert.equal(device.commState, 'ok')
    const ours = device
      .listVariables()
      .map((v) => ({ name: v.name, value: v.value, type: typeWords(v).join(' ') }))
    assert.deepEqual(view(ours), view(await realLines()))
    assert.deepEqual(device.listCommands(), await client.listCommands('src'))
    assert.equal(device.getValue('driver.parameter.mode'), 'repeater')
    assert.equal(device.getValue('driver.parameter.port'), `src@127.0.0.1:${real.port}`)
  })

  it('passes SET through with tracking: the real upsd shows the new value', async () => {
    assert.equal(await device.requestSet('ups.id', 'via repeater'), 'SUCCESS')
    assert.equal(await client.getVar('src', 'ups.id'), 'via repeater')
    await waitFor(() => device.getValue('ups.id') === 'via repeater', { what: 'mirrored SET' })
  })

  it('passes INSTCMD through and returns the real result', async () => {
    // dummy-ups answers load.off "unknown" (tracking 1).
    assert.equal(await device.requestInstantCommand('load.off', undefined), 'ERR UNKNOWN')
  })

  it('reports a refusal of the remote upsd', async () => {
    assert.equal(await device.requestSet('ups.id', 'x'.repeat(40)), 'ERR INVALID-ARGUMENT')
  })

  it('follows changes and goes stale when the remote upsd goes away', async () => {
    const other = await NutClient.connect({ host: '127.0.0.1', port: real.port })
    await other.authenticate('admin', 'adminpass')
    await other.setVar('src', 'battery.charge', '12')
    await other.close()
    await waitFor(() => device.getValue('battery.charge') === '12', { what: 'charge 12' })
    await real.processes.stop('upsd')
    await waitFor(() => device.commState === 'stale', { what: 'stale' })
    assert.equal(device.getValue('battery.charge'), '12', 'the last data is kept')
  })
})
