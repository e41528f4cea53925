import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../../src/core/clock.ts'
import { silentLogger } from '../../src/core/log.ts'
import type { Device } from '../../src/devices/device.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { NutDriver } from '../../src/drivers/nut/nut-driver.ts'
import { createNutDir, type NutDir } from '../helpers/nut-peer.ts'
import { run } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'

// Debian's real dummy-ups 2.8.0, started and watched by nutshell's NUT driver bridge.
const files = {
  'ups.conf': [
    '[dummy]',
    '  driver = dummy-ups',
    '  port = dummy.dev',
    '[flip]',
    '  driver = dummy-ups',
    '  port = flip.seq',
    '',
  ].join('\n'),
  'dummy.dev': [
    'ups.mfr: Acme',
    'ups.model: "Model \\#1"',
    'ups.status: OL CHRG',
    'battery.charge: 100',
    'ups.id: "quoted  two-space value"',
    '',
  ].join('\n'),
  'flip.seq': ['ups.status: OB', 'TIMER 1', 'ups.status: OL', 'TIMER 1', ''].join('\n'),
}

describe('NUT C driver bridge against real dummy-ups', () => {
  let dir: NutDir
  const store = new DeviceStore()
  const drivers: NutDriver[] = []
  let dummy: Device
  let flip: Device
  let dummyDriver: NutDriver

  before(async () => {
    dir = await createNutDir(files)
    const context = {
      clock: systemClock,
      log: silentLogger(),
      configDir: dir.etc,
      statePath: dir.run,
      maxAgeMs: 3000,
      nutDrivers: { user: 'root' },
    }
    dummy = store.add('dummy')
    flip = store.add('flip')
    dummyDriver = new NutDriver(
      { name: 'dummy', driver: 'dummy-ups', port: 'dummy.dev', options: {}, flags: [] },
      dummy,
      context,
    )
    const flipDriver = new NutDriver(
      { name: 'flip', driver: 'dummy-ups', port: 'flip.seq', options: {}, flags: [] },
      flip,
      context,
    )
    drivers.push(dummyDriver, flipDriver)
    for (const driver of drivers) await driver.start()
  })

  after(async () => {
    for (const driver of drivers) await driver.stop()
    await dir.cleanup()
  })

  it('attaches, dumps everything with flags, and serves fresh data', async () => {
    await waitFor(() => dummy.commState === 'ok' && dummy.getValue('ups.mfr') === 'Acme', {
      what: 'dummy data',
    })
    assert.equal(dummy.getValue('ups.model'), 'Model #1')
    assert.equal(dummy.getValue('ups.id'), 'quoted  two-space value')
    assert.equal(dummy.getValue('ups.status'), 'OL CHRG')
    const id = dummy.getVariable('ups.id')
    assert.equal(id?.writable, true)
    assert.equal(id?.kind, 'string')
    assert.equal(id?.maxLength, 16)
    assert.deepEqual(dummy.listCommands(), ['load.off'])
    assert.equal(dummy.getValue('driver.name'), 'dummy-ups')
  })

  it('follows changes the driver pushes', async () => {
    const seen = new Set<string>()
    const off = store.onChange((change) => {
      if (change.kind === 'variable' && change.device === 'flip' && change.name === 'ups.status') {
        seen.add(change.value)
      }
    })
    await waitFor(() => seen.has('OB') && seen.has('OL'), { what: 'OB and OL', timeoutMs: 8000 })
    off()
  })

  it('forwards SET and INSTCMD with tracking and returns the driver result', async () => {
    assert.equal(await dummy.requestSet('ups.id', 'new # id'), 'SUCCESS')
    await waitFor(() => dummy.getValue('ups.id') === 'new # id', { what: 'SET applied' })
    assert.equal(await dummy.requestInstantCommand('load.off', undefined), 'ERR UNKNOWN')
    assert.equal(await dummy.requestInstantCommand('load.off', 'with space'), 'ERR UNKNOWN')
  })

  it('restarts a killed driver and reattaches with fresh data', async () => {
    const process = dummyDriver.process
    assert.ok(process !== undefined)
    const pid = process.pid
    assert.ok(pid !== undefined)
    const starts = process.starts
    globalThis.process.kill(pid, 'SIGKILL')
    await waitFor(() => dummy.commState === 'lost', { what: 'lost' })
    await waitFor(() => process.starts > starts && dummy.commState === 'ok', {
      what: 'restart',
      timeoutMs: 8000,
    })
    await waitFor(() => dummy.getValue('ups.id') === 'quoted  two-space value', {
      what: 'fresh data after restart',
    })
  })

  it('marks a stopped driver stale after MAXAGE and fresh again when it resumes', async () => {
    const pid = dummyDriver.process?.pid
    assert.ok(pid !== undefined)
    await waitFor(() => dummy.commState === 'ok', { what: 'ok before stop' })
    const states: string[] = []
    const off = store.onChange((change) => {
      if (change.kind === 'comm' && change.device === 'dummy') states.push(change.state)
    })
    process.kill(pid, 'SIGSTOP')
    try {
      await waitFor(() => dummy.commState === 'stale', { what: 'stale', timeoutMs: 8000 })
    } finally {
      process.kill(pid, 'SIGCONT')
    }
    await waitFor(() => dummy.commState === 'ok', { what: 'ok after resume' })
    off()
    assert.deepEqual(states, ['stale', 'ok'])
  })
})

describe('NUT C driver already running under upsdrvctl', () => {
  it('attaches without starting a second instance, and takes over when it dies', async () => {
    const dir = await createNutDir({
      'ups.conf': '[managed]\n  driver = dummy-ups\n  port = managed.dev\n',
      'managed.dev': 'ups.mfr: Managed\nups.status: OL\n',
    })
    const store = new DeviceStore()
    const device = store.add('managed')
    let driver: NutDriver | undefined
    try {
      const started = await run('/sbin/upsdrvctl', ['-u', 'root', 'start', 'managed'], {
        env: dir.env,
      })
      assert.equal(started.code, 0, started.stderr)
      // The driver rewrites its PID file once it has gone to the background.
      const pidFile = join(dir.run, 'dummy-ups-managed.pid')
      const livePid = async (): Promise<number> => {
        const pid = Number((await readFile(pidFile, 'utf8')).trim())
        process.kill(pid, 0)
        return pid
      }
      await waitFor(livePid, { what: 'upsdrvctl driver running' })
      driver = new NutDriver(
        { name: 'managed', driver: 'dummy-ups', port: 'managed.dev', options: {}, flags: [] },
        device,
        {
          clock: systemClock,
          log: silentLogger(),
          configDir: dir.etc,
          statePath: dir.run,
          maxAgeMs: 3000,
          nutDrivers: { user: 'root' },
        },
      )
      await driver.start()
      await waitFor(() => device.getValue('ups.mfr') === 'Managed', { what: 'attached' })
      assert.equal(driver.process?.starts, 0, 'no second instance')
      const pid = await livePid()
      process.kill(pid, 'SIGKILL')
      await waitFor(() => driver?.process?.starts === 1, { what: 'took over' })
      await waitFor(() => device.commState === 'ok' && device.getValue('ups.mfr') === 'Managed', {
        what: 'data from our own instance',
        timeoutMs: 8000,
      })
    } finally {
      await driver?.stop()
      await run('/sbin/upsdrvctl', ['-u', 'root', 'stop', 'managed'], { env: dir.env })
      await dir.cleanup()
    }
  })
})
