/**
 * The native YAML file end to end: `nutshell serve --config FILE` serves what the file
 * says to Debian's real upsc, as the equivalent NUT directory would.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { nutBinaries } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup, run } from '../helpers/processes.ts'
import { canConnect, waitFor } from '../helpers/wait.ts'

describe('nutshell serve --config FILE', () => {
  const processes = new ProcessGroup()
  let dir: string
  let port: number
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-yaml-serve-'))
    port = await freePort()
    await writeFile(join(dir, 'ups1.dev'), 'ups.status: OL\nbattery.charge: 77\n')
    await writeFile(
      join(dir, 'nutshell.yaml'),
      `server:
  listen: ["127.0.0.1:${port}"]
devices:
  - name: ups1
    driver: dummy-ups
    port: ups1.dev          # relative to this file's folder
    description: "Rack UPS \\"one\\" # not a comment"
users:
  - {name: admin, password: "0123", actions: [SET]}
`,
    )
    processes.start(
      'serve',
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', join(dir, 'nutshell.yaml')],
      { ...process.env, NUT_STATEPATH: dir },
    )
    await waitFor(() => canConnect(port), { what: 'nutshell serve', timeoutMs: 20_000 })
  })
  after(async () => {
    await processes.stopAll()
    await rm(dir, { recursive: true, force: true })
  })

  it('serves the devices of the file to real upsc', async () => {
    const list = await run(nutBinaries.upsc, ['-L', `127.0.0.1:${port}`])
    assert.equal(list.code, 0, list.stderr + processes.outputOf('serve'))
    assert.equal(list.stdout, 'ups1: Rack UPS "one" # not a comment\n')
    const charge = await waitFor(
      async () => {
        const r = await run(nutBinaries.upsc, [`ups1@127.0.0.1:${port}`, 'battery.charge'])
        return r.code === 0 && r.stdout.trim() === '77' ? r.stdout : undefined
      },
      { what: 'battery.charge from the .dev file' },
    )
    assert.equal(charge.trim(), '77')
  })

  it('lets the user of the file set a variable with real upsrw', async () => {
    const r = await run(nutBinaries.upsrw, [
      '-s',
      'battery.charge=50',
      '-u',
      'admin',
      '-p',
      '0123',
      `ups1@127.0.0.1:${port}`,
    ])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout + r.stderr, /OK/)
  })
})
