import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { silentLogger } from '../../src/core/log.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { createNutServer } from '../../src/server/nut-server.ts'
import { createNutDir } from '../helpers/nut-peer.ts'
import { testServerConfig } from '../helpers/nut-server-fixture.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup, run } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const cli = (args: string[]) =>
  run(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'monitor', ...args],
    {
      cwd: repoRoot,
    },
  )

// `nutshell monitor --test-notify TYPE`: try NOTIFYCMD without pulling the plug.
describe('nutshell monitor --test-notify', () => {
  it('runs NOTIFYCMD as the monitor would and reports it', async () => {
    const dir = await createNutDir()
    try {
      const script = await dir.write(
        'n.sh',
        '#!/bin/sh\necho "got $NOTIFYTYPE $UPSNAME: $1"\n',
        0o755,
      )
      await dir.write(
        'upsmon.conf',
        `MONITOR ups1@localhost 1 u p primary\nNOTIFYCMD "${script}"\nNOTIFYFLAG ONBATT EXEC\n`,
      )
      const ok = await cli(['--nut-confpath', dir.etc, '--test-notify', 'onbatt'])
      assert.equal(ok.code, 0, ok.stderr)
      assert.equal(
        ok.stdout,
        'ONBATT "UPS ups1@localhost on battery" via EXEC\nNOTIFYCMD: exit 0\ngot ONBATT ups1@localhost: UPS ups1@localhost on battery\n',
      )
      const bad = await cli(['--nut-confpath', dir.etc, '--test-notify', 'bogus'])
      assert.equal(bad.code, 1)
      assert.match(bad.stderr, /not a notify type/)
    } finally {
      await dir.cleanup()
    }
  })
})

describe('nutshell monitor -c reload', () => {
  it('watches with the configuration read again', async () => {
    const dir = await createNutDir()
    const log = join(dir.base, 'n.log')
    const store = new DeviceStore()
    const device = store.add('ups1')
    device.setValue('ups.status', 'OL')
    device.setCommState('ok')
    const port = await freePort()
    const server = createNutServer({
      store,
      server: testServerConfig({ listen: [{ host: '127.0.0.1', port }] }),
      users: [
        { name: 'mon', password: 'pw', actions: ['LOGIN'], instcmds: [], upsmon: 'secondary' },
      ],
      log: silentLogger(),
    })
    await server.start()
    const script = await dir.write('n.sh', `#!/bin/sh\necho "$1" >> ${log}\n`, 0o755)
    const conf = (message: string) =>
      dir.write(
        'upsmon.conf',
        `MONITOR ups1@127.0.0.1:${port} 1 mon pw secondary
NOTIFYCMD "${script}"
NOTIFYFLAG ONBATT EXEC
NOTIFYFLAG ONLINE EXEC
NOTIFYMSG ONBATT "${message} %s"
`,
      )
    await conf('first')
    const pidFile = join(dir.run, 'm.pid')
    const monitor = new ProcessGroup()
    const lines = async () => (await readFile(log, 'utf8').catch(() => '')).trim()
    try {
      monitor.start('monitor', process.execPath, [
        '--import',
        'tsx',
        join(repoRoot, 'src/cli/main.ts'),
        'monitor',
        '--nut-confpath',
        dir.etc,
        '--pid-file',
        pidFile,
      ])
      await waitFor(() => server.loginCount('ups1') === 1, {
        what: 'monitor logged in',
        timeoutMs: 15_000,
      })
      device.setValue('ups.status', 'OB')
      await waitFor(async () => (await lines()) === `first ups1@127.0.0.1:${port}`, {
        what: 'first message',
      })
      device.setValue('ups.status', 'OL')
      await waitFor(async () => (await lines()).split('\n').length === 2, { what: 'ONLINE' })
      await conf('second')
      const signal = await cli(['-c', 'reload', '--pid-file', pidFile])
      assert.equal(signal.code, 0, signal.stderr)
      await waitFor(() => monitor.outputOf('monitor').includes('configuration reloaded'), {
        what: 'reload',
      })
      await waitFor(() => server.loginCount('ups1') === 1, { what: 'logged in again' })
      device.setValue('ups.status', 'OB')
      await waitFor(async () => (await lines()).endsWith(`second ups1@127.0.0.1:${port}`), {
        what: `second message\n${monitor.outputOf('monitor')}`,
      })
    } finally {
      await monitor.stopAll()
      await server.stop()
      await dir.cleanup()
    }
  })
})
