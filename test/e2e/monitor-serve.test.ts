import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createNutDir, type NutDir, nutBinaries } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup, run } from '../helpers/processes.ts'
import { canConnect, waitFor } from '../helpers/wait.ts'
import { readLines, writeMarkerScripts } from '../interop/monitor-support.ts'

// `nutshell serve --nut-confpath DIR` with an upsmon.conf whose MONITOR line names the
// server's own device: the monitor runs in-process on store events (no polling: POLLFREQ
// is a minute here), notifies, sets FSD on its own device and runs SHUTDOWNCMD.
const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const processes = new ProcessGroup()
let dir: NutDir | undefined

after(async () => {
  await processes.stopAll()
  await dir?.cleanup()
})

describe('nutshell serve with upsmon.conf (in-process monitor)', () => {
  it('shuts down on OB LB set through the server, learning of it without polling', async () => {
    const port = await freePort()
    dir = await createNutDir({
      'ups.conf': '[rack]\n\tdriver = dummy-ups\n\tport = rack.dev\n',
      'rack.dev': 'ups.status: OL\nbattery.charge: 100\n',
      'upsd.conf': `LISTEN 127.0.0.1 ${port}\n`,
      'upsd.users': '[admin]\n\tpassword = adminpass\n\tactions = SET\n',
    })
    const base = dir.base
    await writeMarkerScripts(base)
    await writeFile(
      join(dir.etc, 'upsmon.conf'),
      `MONITOR rack@localhost:${port} 1 local local primary
SHUTDOWNCMD "${base}/shutdown.sh serve"
NOTIFYCMD "${base}/notify.sh serve"
NOTIFYFLAG ONBATT EXEC
NOTIFYFLAG LOWBATT EXEC
POLLFREQ 60
POLLFREQALERT 60
FINALDELAY 0
POWERDOWNFLAG ${base}/killpower
`,
    )
    processes.start('serve', process.execPath, [
      '--import',
      'tsx',
      cli,
      'serve',
      '--nut-confpath',
      dir.etc,
    ])
    await waitFor(() => canConnect(port), { what: 'nutshell serve', timeoutMs: 20_000 })
    const target = `rack@127.0.0.1:${port}`
    const set = (status: string) =>
      run(nutBinaries.upsrw, [
        '-s',
        `ups.status=${status}`,
        '-u',
        'admin',
        '-p',
        'adminpass',
        target,
      ])
    assert.equal((await set('OB')).code, 0)
    await waitFor(
      async () =>
        (await readLines(join(base, 'notify.log'))).includes(`serve ONBATT rack@localhost:${port}`),
      {
        what: `ONBATT\n${processes.outputOf('serve')}`,
      },
    )
    // In-process: the monitor never logged in to the server as a client would.
    const clients = await run(nutBinaries.upsc, ['-c', target])
    assert.equal(clients.stdout.trim(), '')
    assert.equal((await set('OB LB')).code, 0)
    await waitFor(async () => (await readLines(join(base, 'shutdown.log'))).includes('serve'), {
      what: `SHUTDOWNCMD\n${processes.outputOf('serve')}`,
    })
    assert.equal(await readFile(join(base, 'killpower'), 'utf8'), 'upsmon-shutdown-file')
    const status = await run(nutBinaries.upsc, [target, 'ups.status'])
    assert.equal(status.stdout.trim(), 'FSD OB LB')
  })
})
