/**
 * The script engine against Debian's real vpcd simulator and Debian's own vpc.dev (used
 * as installed, never copied), attached the three ways powerman attaches devices: as a
 * coprocess, over TCP (`vpcd --port`), and over a pty that socat joins to vpcd, as a
 * serial line.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../../src/core/clock.ts'
import { silentLogger } from '../../src/core/log.ts'
import { DeviceEngine } from '../../src/drivers/script/device-engine.ts'
import { resolveScriptSetup } from '../../src/drivers/script/driver-config.ts'
import { linkFor } from '../../src/drivers/script/transports/open-link.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'

const dir = mkdtempSync(join(tmpdir(), 'nutshell-vpcd-'))
const processes = new ProcessGroup()

function engineFor(where: string, flags = ''): DeviceEngine {
  const conf = join(dir, `${where.replace(/\W/g, '_')}.conf`)
  writeFileSync(
    conf,
    `include "/etc/powerman/vpc.dev"\ndevice "v0" "vpc" "${where}" ${flags === '' ? '' : `"${flags}"`}\nnode "n[0-15]" "v0"\n`,
  )
  const resolved = resolveScriptSetup(
    { name: 'v0', driver: 'script', port: '', options: { 'powerman.conf': conf }, flags: [] },
    dir,
  )
  if (!resolved.ok) throw new Error(resolved.error)
  const { setup } = resolved
  const log = silentLogger()
  return new DeviceEngine({
    name: 'v0',
    program: setup.program,
    plugs: setup.plugs,
    open: linkFor(setup.transport, log),
    clock: systemClock,
    log,
  })
}

const all = Array.from({ length: 16 }, (_, i) => String(i))

async function exercise(engine: DeviceEngine): Promise<void> {
  const first = await engine.request('status', all)
  assert.equal(first.ok, true, first.errors.join('; '))
  assert.deepEqual(
    [...first.plugs.values()].map((p) => p.state),
    all.map(() => 'off'),
  )
  assert.equal((await engine.request('on', ['3'])).ok, true)
  // A range without an on_ranged script in Debian's vpc.dev: one singlet per plug.
  assert.equal((await engine.request('on', ['5', '6', '7'])).ok, true)
  const afterOn = await engine.request('status', all)
  assert.deepEqual(
    all.filter((p) => afterOn.plugs.get(p)?.state === 'on'),
    ['3', '5', '6', '7'],
  )
  assert.equal((await engine.request('off', ['5', '6'])).ok, true)
  // cycle: off, delay 1, on.
  assert.equal((await engine.request('cycle', ['3'])).ok, true)
  const temps = await engine.request('status_temp', ['0', '1'])
  assert.deepEqual(
    [...temps.plugs.values()].map((p) => p.value),
    ['83', '84'],
  )
  const last = await engine.request('status', all)
  assert.deepEqual(
    all.filter((p) => last.plugs.get(p)?.state === 'on'),
    ['3', '7'],
  )
  // Every plug at once: on_all.
  assert.equal((await engine.request('on', all)).ok, true)
  const allOn = await engine.request('status', all)
  assert.ok([...allOn.plugs.values()].every((p) => p.state === 'on'))
}

describe('the script engine against Debian vpcd', { timeout: 60_000 }, () => {
  before(() => {
    assert.ok(existsSync('/usr/sbin/vpcd'), 'Debian powerman must be installed')
  })
  after(async () => {
    await processes.stopAll()
    rmSync(dir, { recursive: true, force: true })
  })

  it('as a coprocess', async () => {
    const engine = engineFor('/usr/sbin/vpcd |&')
    engine.start()
    try {
      await exercise(engine)
    } finally {
      engine.stop()
    }
  })

  it('over TCP (vpcd --port)', async () => {
    const port = await freePort()
    processes.start('vpcd-tcp', '/usr/sbin/vpcd', ['--port', String(port)])
    const engine = engineFor(`127.0.0.1:${port}`)
    engine.start()
    try {
      // vpcd accepts one connection, so nothing probes it first: the engine retries.
      await waitFor(() => engine.status.state === 'ready', { what: 'vpcd over TCP' })
      await exercise(engine)
    } finally {
      engine.stop()
    }
  })

  it('over a pty as a serial line (socat joins it to vpcd)', async () => {
    const tty = join(dir, 'ttyVPC')
    processes.start('socat', '/usr/bin/socat', [
      `PTY,link=${tty},raw,echo=0`,
      'EXEC:/usr/sbin/vpcd',
    ])
    await waitFor(() => existsSync(tty), { what: 'the pty' })
    const engine = engineFor(tty, '115200,8n1')
    engine.start()
    try {
      await exercise(engine)
    } finally {
      engine.stop()
    }
  })
})
