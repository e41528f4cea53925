import assert from 'node:assert/strict'
import { stat } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { silentLogger } from '../../src/core/log.ts'
import type { CommandOutcome } from '../../src/devices/command-result.ts'
import type { Device } from '../../src/devices/device.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { DriverSocketServer } from '../../src/server/driver-socket/server.ts'
import { createNutDir, type NutDir, nutBinaries } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup, run } from '../helpers/processes.ts'
import { canConnect, waitFor } from '../helpers/wait.ts'

// A nutshell device served by Debian's REAL upsd 2.8.0 through nutshell's driver socket
// (`driver = nutshell` in ups.conf), read and driven by the REAL upsc, upsrw and upscmd.
describe('real upsd serving a nutshell device through the driver socket', () => {
  let dir: NutDir
  let port: number
  const processes = new ProcessGroup()
  const store = new DeviceStore()
  let device: Device
  let server: DriverSocketServer
  const commands: string[] = []

  const fill = (d: Device): void => {
    d.setValue('ups.status', 'OL CHRG')
    d.setValue('ups.model', 'Model #1 "quoted"')
    d.setValue('ups.id', 'first')
    d.setFlags('ups.id', { writable: true, kind: 'string' })
    d.setMaxLength('ups.id', 16)
    d.setValue('input.transfer.low', '170')
    d.setFlags('input.transfer.low', { writable: true, kind: 'number' })
    d.addRange('input.transfer.low', 160, 180)
    d.setValue('ups.beeper.status', 'enabled')
    d.setFlags('ups.beeper.status', { writable: true, kind: 'unspecified' })
    d.addEnum('ups.beeper.status', 'enabled')
    d.addEnum('ups.beeper.status', 'disabled')
    d.setValue('battery.charge', '100')
    d.addCommand('test.battery.start')
    d.addCommand('load.off')
    d.setCommState('ok')
  }

  before(async () => {
    port = await freePort()
    dir = await createNutDir({
      'ups.conf': '[x]\n  driver = nutshell\n  port = none\n  desc = "a nutshell device"\n',
      'upsd.conf': `LISTEN 127.0.0.1 ${port}\nMAXAGE 15\n`,
      'upsd.users': '[admin]\n  password = adminpass\n  actions = SET\n  instcmds = ALL\n',
    })
    device = store.add('x')
    fill(device)
    device.attachController({
      async setVariable(name: string, value: string): Promise<CommandOutcome> {
        device.setValue(name, value)
        return 'SUCCESS'
      },
      async instantCommand(name: string, parameter: string | undefined) {
        commands.push(parameter === undefined ? name : `${name} ${parameter}`)
        return name === 'load.off' ? 'ERR FAILED' : 'SUCCESS'
      },
    })
    server = new DriverSocketServer({ store, statePath: dir.run, log: silentLogger() })
    await server.start()
    processes.start('upsd', nutBinaries.upsd, ['-u', 'root', '-F'], dir.env)
    await waitFor(() => canConnect(port), { what: 'real upsd' })
    await waitFor(async () => (await upsc('ups.status')).stdout.trim() === 'OL CHRG', {
      what: 'upsd serving x',
    })
  })

  after(async () => {
    await processes.stopAll()
    await server.stop()
    await dir.cleanup()
  })

  const upsc = (variable?: string) =>
    run(nutBinaries.upsc, [`x@127.0.0.1:${port}`, ...(variable === undefined ? [] : [variable])], {
      env: dir.env,
    })

  it('serves every variable, with the flags and ranges upsd reports', async () => {
    assert.equal((await stat(server.socketPath('x'))).mode & 0o777, 0o660)
    const all = await upsc()
    assert.equal(all.code, 0, all.stderr)
    assert.match(all.stdout, /^ups\.model: Model #1 "quoted"$/m)
    assert.match(all.stdout, /^battery\.charge: 100$/m)
    const rw = await run(nutBinaries.upsrw, [`x@127.0.0.1:${port}`], { env: dir.env })
    assert.equal(rw.code, 0, rw.stderr)
    assert.match(rw.stdout, /\[ups\.id\][\s\S]*Type: STRING[\s\S]*Maximum length: 16/)
    assert.match(rw.stdout, /\[input\.transfer\.low\][\s\S]*Type: RANGE/)
    assert.match(rw.stdout, /\[ups\.beeper\.status\][\s\S]*Option: "disabled"/)
    const cmds = await run(nutBinaries.upscmd, ['-l', `x@127.0.0.1:${port}`], { env: dir.env })
    assert.match(cmds.stdout, /^load\.off\b/m)
    assert.match(cmds.stdout, /^test\.battery\.start\b/m)
  })

  it('follows changes pushed by nutshell', async () => {
    device.setValue('ups.status', 'OB DISCHRG')
    await waitFor(async () => (await upsc('ups.status')).stdout.trim() === 'OB DISCHRG', {
      what: 'OB through upsd',
    })
    device.deleteVariable('battery.charge')
    await waitFor(async () => (await upsc('battery.charge')).code !== 0, { what: 'DELINFO' })
    device.setValue('ups.status', 'OL')
  })

  it('carries upsrw -w and upscmd -w through with tracking', async () => {
    const set = await run(
      nutBinaries.upsrw,
      ['-s', 'ups.id=with # hash', '-u', 'admin', '-p', 'adminpass', '-w', `x@127.0.0.1:${port}`],
      { env: dir.env },
    )
    assert.equal(set.code, 0, set.stderr)
    assert.match(set.stdout + set.stderr, /SUCCESS/, JSON.stringify(set))
    assert.equal(device.getValue('ups.id'), 'with # hash')
    await waitFor(async () => (await upsc('ups.id')).stdout.trim() === 'with # hash', {
      what: 'SET visible through upsd',
    })
    const cmd = await run(
      nutBinaries.upscmd,
      ['-u', 'admin', '-p', 'adminpass', '-w', `x@127.0.0.1:${port}`, 'test.battery.start'],
      { env: dir.env },
    )
    assert.equal(cmd.code, 0, cmd.stderr)
    assert.match(cmd.stdout + cmd.stderr, /SUCCESS/, JSON.stringify(cmd))
    assert.deepEqual(commands, ['test.battery.start'])
    const failed = await run(
      nutBinaries.upscmd,
      ['-u', 'admin', '-p', 'adminpass', '-w', `x@127.0.0.1:${port}`, 'load.off'],
      { env: dir.env },
    )
    assert.match(failed.stdout + failed.stderr, /ERR FAILED/, JSON.stringify(failed))
  })

  it('turns nutshell staleness into ERR DATA-STALE and back', async () => {
    device.setCommState('stale')
    await waitFor(async () => /Data stale/i.test((await upsc('ups.status')).stderr), {
      what: 'DATA-STALE through upsd',
    })
    device.setCommState('ok')
    await waitFor(async () => (await upsc('ups.status')).code === 0, { what: 'fresh again' })
  })
})
