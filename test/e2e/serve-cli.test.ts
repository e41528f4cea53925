import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createNutDir, type NutDir, nutBinaries } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup, run } from '../helpers/processes.ts'
import { canConnect, waitFor } from '../helpers/wait.ts'

// `nutshell serve` as a user runs it: the CLI in a child process, on NUT's files and on
// the native YAML file, queried with Debian's real upsc and upsrw.
const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const processes = new ProcessGroup()
const dirs: NutDir[] = []

after(async () => {
  await processes.stopAll()
  await Promise.all(dirs.map((d) => d.cleanup()))
})

async function serve(name: string, args: string[], port: number, env?: NodeJS.ProcessEnv) {
  const child = processes.start(
    name,
    process.execPath,
    ['--import', 'tsx', cli, 'serve', ...args],
    env,
  )
  await waitFor(() => canConnect(port), { what: `nutshell serve on ${port}`, timeoutMs: 20_000 })
  return child
}

const devFile = 'ups.mfr: Acme\nups.model: Rack 1500\nups.status: OL CHRG\nbattery.charge: 97\n'

describe('nutshell serve', () => {
  it('serves a NUT config directory to real upsc and upsrw, and reloads users on SIGHUP', async () => {
    const port = await freePort()
    const dir = await createNutDir({
      'ups.conf': '[rack]\n\tdriver = dummy-ups\n\tport = rack.dev\n\tdesc = "Rack UPS"\n',
      'rack.dev': devFile,
      'upsd.conf': `LISTEN 127.0.0.1 ${port}\n`,
      'upsd.users': '[admin]\n\tpassword = first\n\tactions = SET\n',
    })
    dirs.push(dir)
    const child = await serve('nut-dir', ['--nut-confpath', dir.etc], port)
    const target = `rack@127.0.0.1:${port}`
    const list = await run(nutBinaries.upsc, ['-L', `127.0.0.1:${port}`])
    assert.equal(list.stdout.trim(), 'rack: Rack UPS')
    const charge = await run(nutBinaries.upsc, [target, 'battery.charge'])
    assert.equal(charge.stdout.trim(), '97')

    const set = await run(nutBinaries.upsrw, [
      '-s',
      'ups.model=Rack 2000',
      '-u',
      'admin',
      '-p',
      'first',
      '-w',
      target,
    ])
    assert.match(set.stdout + set.stderr, /SUCCESS/)
    assert.equal((await run(nutBinaries.upsc, [target, 'ups.model'])).stdout.trim(), 'Rack 2000')

    await writeFile(join(dir.etc, 'upsd.users'), '[admin]\n\tpassword = second\n\tactions = SET\n')
    child.kill('SIGHUP')
    await waitFor(
      async () => {
        const r = await run(nutBinaries.upsrw, [
          '-s',
          'ups.model=Rack 3000',
          '-u',
          'admin',
          '-p',
          'second',
          target,
        ])
        return `${r.stdout}${r.stderr}`.includes('OK')
      },
      { what: 'the new password to be accepted after SIGHUP' },
    )
    const old = await run(nutBinaries.upsrw, [
      '-s',
      'ups.model=x',
      '-u',
      'admin',
      '-p',
      'first',
      target,
    ])
    assert.match(`${old.stdout}${old.stderr}`, /ERR ACCESS-DENIED/)
  })

  it('serves the native YAML configuration', async () => {
    const port = await freePort()
    const dir = await createNutDir({
      'rack.dev': devFile,
      'nutshell.yaml': `server:\n  listen: ["127.0.0.1:${port}"]\ndevices:\n  - name: rack\n    driver: dummy-ups\n    port: rack.dev\n    description: "YAML UPS"\n`,
    })
    dirs.push(dir)
    await serve('yaml', ['--config', join(dir.etc, 'nutshell.yaml')], port)
    const list = await run(nutBinaries.upsc, ['-L', `127.0.0.1:${port}`])
    assert.equal(list.stdout.trim(), 'rack: YAML UPS')
    assert.equal(
      (await run(nutBinaries.upsc, [`rack@127.0.0.1:${port}`, 'ups.mfr'])).stdout.trim(),
      'Acme',
    )
  })

  it('exposes its devices as NUT driver sockets that a real upsd serves (--driver-sockets)', async () => {
    const port = await freePort()
    const upsdPort = await freePort()
    const dir = await createNutDir({
      'rack.dev': devFile,
      'nutshell.yaml': `server:\n  listen: ["127.0.0.1:${port}"]\ndevices:\n  - name: rack\n    driver: dummy-ups\n    port: rack.dev\n`,
      'ups.conf': '[rack]\n\tdriver = nutshell\n\tport = none\n\tdesc = "via nutshell"\n',
      'upsd.conf': `LISTEN 127.0.0.1 ${upsdPort}\n`,
      'upsd.users': '',
    })
    dirs.push(dir)
    await serve(
      'sockets',
      ['--config', join(dir.etc, 'nutshell.yaml'), '--driver-socket-dir', dir.run],
      port,
    )
    await waitFor(() => existsSync(join(dir.run, 'nutshell-rack')), { what: 'the driver socket' })
    processes.start('real-upsd', nutBinaries.upsd, ['-u', 'root', '-F'], dir.env)
    await waitFor(
      async () =>
        (
          await run(nutBinaries.upsc, [`rack@127.0.0.1:${upsdPort}`, 'battery.charge'])
        ).stdout.trim() === '97',
      { what: 'real upsd serving the nutshell device' },
    )
    await processes.stop('real-upsd')
  })

  it('refuses to start on a configuration with errors and says where', async () => {
    const dir = await createNutDir({
      'nutshell.yaml': 'devices:\n  - name: x\n    drvier: dummy-ups\n',
    })
    dirs.push(dir)
    const result = await run(process.execPath, [
      '--import',
      'tsx',
      cli,
      'serve',
      '--config',
      join(dir.etc, 'nutshell.yaml'),
    ])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /nutshell\.yaml:3:5: error/)
    assert.match(result.stderr, /did you mean 'driver'/)
  })
})
