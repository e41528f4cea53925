import assert from 'node:assert/strict'
import { once } from 'node:events'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { nobody, procStatus } from '../helpers/nut-helper.ts'
import { createNutDir, type NutDir, nutBinaries } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup, run } from '../helpers/processes.ts'
import { canConnect, waitFor } from '../helpers/wait.ts'

// `nutshell serve` and `nutshell monitor` started as root without the helper: they bind and
// open first, then drop to the named user, and say so; with no user to drop to they refuse.
const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const processes = new ProcessGroup()
const dirs: NutDir[] = []
after(async () => {
  await processes.stopAll()
  await Promise.all(dirs.map((d) => d.cleanup()))
})

/** The environment without the test runner's NUTSHELL_USER=root. */
function envWithoutUser(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { NUTSHELL_USER: _user, ...rest } = process.env
  return { ...rest, ...extra, NUTSHELL_LOG_FORMAT: 'json' }
}

describe('dropping privileges without the helper', () => {
  it('serve binds as root, then runs as --user nobody and says so', async () => {
    const port = await freePort()
    const dir = await createNutDir({
      'ups.conf': '[rack]\n\tdriver = dummy-ups\n\tport = rack.dev\n',
      'rack.dev': 'ups.status: OL\n',
      'upsd.conf': `LISTEN 127.0.0.1 ${port}\n`,
      'upsd.users': '',
    })
    dirs.push(dir)
    const child = processes.start(
      'serve',
      process.execPath,
      ['--import', 'tsx', cli, 'serve', '--nut-confpath', dir.etc, '--user', nobody.name],
      envWithoutUser(),
    )
    await waitFor(() => canConnect(port), { what: 'nutshell serve', timeoutMs: 20_000 })
    await waitFor(() => processes.outputOf('serve').includes('dropped privileges to nobody'), {
      what: 'the log line',
    })
    const status = procStatus(child.pid as number)
    assert.deepEqual(status['Uid']?.split(/\s+/), Array(4).fill(String(nobody.uid)))
    assert.equal(status['Groups'], String(nobody.gid))
    assert.equal(BigInt(`0x${status['CapEff']}`), 0n)
    // Still serving what it opened as root.
    const reply = await run(nutBinaries.upsc, [`rack@127.0.0.1:${port}`, 'ups.status'])
    assert.equal(reply.stdout.trim(), 'OL')
  })

  it('monitor refuses to stay root for a user that does not exist', async () => {
    const dir = await createNutDir({
      'upsmon.conf': 'MONITOR ups@127.0.0.1:1 1 u p secondary\nRUN_AS_USER no-such-user-here\n',
    })
    dirs.push(dir)
    const child = processes.start(
      'monitor',
      process.execPath,
      [
        '--import',
        'tsx',
        cli,
        'monitor',
        '--nut-confpath',
        dir.etc,
        '--pid-file',
        `${dir.run}/m.pid`,
      ],
      envWithoutUser(),
    )
    const [code] = (await once(child, 'exit')) as [number | null]
    assert.equal(code, 1)
    assert.match(processes.outputOf('monitor'), /no such user: no-such-user-here/)
  })
})
