import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createNutDir, type NutDir, nutBinaries } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup, run } from '../helpers/processes.ts'
import { canConnect, waitFor } from '../helpers/wait.ts'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const main = join(repoRoot, 'src/cli/main.ts')

// `nutshell upsd` as a drop-in for upsd beside Debian's real dummy-ups: started first, it
// picks the driver up when it appears; real upsc/upsrw/upscmd read and drive it; -c reload
// and -c stop work through the PID file, as with upsd.
describe('nutshell upsd beside real NUT drivers', () => {
  let dir: NutDir
  let port: number
  const processes = new ProcessGroup()

  before(async () => {
    port = await freePort()
    dir = await createNutDir({
      'ups.conf': '[dummy]\n  driver = dummy-ups\n  port = dummy.dev\n  desc = "Test \\# UPS"\n',
      'dummy.dev': 'ups.mfr: Acme\nups.status: OL CHRG\nups.id: first\nbattery.charge: 90\n',
      'upsd.conf': `LISTEN 127.0.0.1 ${port}\nMAXAGE 6\n`,
      'upsd.users': '[admin]\n  password = adminpass\n  actions = SET\n  instcmds = ALL\n',
    })
    processes.start(
      'nutshell-upsd',
      process.execPath,
      ['--import', 'tsx', main, 'upsd', '-F', '-u', 'root'],
      dir.env,
    )
    await waitFor(() => canConnect(port), { what: 'nutshell upsd listening', timeoutMs: 15_000 })
  })

  after(async () => {
    await processes.stopAll()
    await dir.cleanup()
  })

  const upsc = (variable?: string) =>
    run(
      nutBinaries.upsc,
      [`dummy@127.0.0.1:${port}`, ...(variable === undefined ? [] : [variable])],
      { env: dir.env },
    )

  it('says the driver is not connected until it runs, then serves it', async () => {
    const early = await upsc('ups.status')
    assert.match(early.stderr, /Driver not connected/)
    processes.start('driver', nutBinaries.dummyUps, ['-a', 'dummy', '-u', 'root', '-F'], dir.env)
    await waitFor(async () => (await upsc('battery.charge')).stdout.trim() === '90', {
      what: 'dummy data through nutshell upsd',
    })
    const list = await run(nutBinaries.upsc, ['-L', `127.0.0.1:${port}`], { env: dir.env })
    assert.equal(list.stdout.trim(), 'dummy: Test # UPS')
  })

  it('carries upsrw -w and upscmd -w to the real driver', async () => {
    const set = await run(
      nutBinaries.upsrw,
      ['-s', 'ups.id=hello', '-u', 'admin', '-p', 'adminpass', '-w', `dummy@127.0.0.1:${port}`],
      { env: dir.env },
    )
    assert.match(set.stdout + set.stderr, /SUCCESS/)
    await waitFor(async () => (await upsc('ups.id')).stdout.trim() === 'hello', {
      what: 'SET through the driver',
    })
    const cmd = await run(
      nutBinaries.upscmd,
      ['-u', 'admin', '-p', 'adminpass', '-w', `dummy@127.0.0.1:${port}`, 'load.off'],
      { env: dir.env },
    )
    assert.match(cmd.stdout + cmd.stderr, /ERR UNKNOWN/)
  })

  it('reloads ups.conf on -c reload and stops on -c stop', async () => {
    const pidFile = join(dir.run, 'upsd.pid')
    assert.ok(existsSync(pidFile))
    const conf = await readFile(join(dir.etc, 'ups.conf'), 'utf8')
    await writeFile(
      join(dir.etc, 'ups.conf'),
      `${conf}[other]\n  driver = dummy-ups\n  port = dummy.dev\n`,
    )
    const reload = await run(process.execPath, ['--import', 'tsx', main, 'upsd', '-c', 'reload'], {
      env: dir.env,
    })
    assert.equal(reload.code, 0, reload.stderr)
    await waitFor(
      async () => {
        const list = await run(nutBinaries.upsc, ['-l', `127.0.0.1:${port}`], { env: dir.env })
        return list.stdout.split('\n').includes('other')
      },
      { what: 'reloaded UPS list' },
    )
    const stop = await run(process.execPath, ['--import', 'tsx', main, 'upsd', '-c', 'stop'], {
      env: dir.env,
    })
    assert.equal(stop.code, 0, stop.stderr)
    await waitFor(async () => !(await canConnect(port)), { what: 'stopped' })
    await waitFor(() => !existsSync(pidFile), { what: 'PID file removed' })
  })
})
