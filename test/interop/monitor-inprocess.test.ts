import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { Notification } from '../../src/actions/notifier.ts'
import { silentLogger } from '../../src/core/log.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { startMonitor } from '../../src/monitor/start-monitor.ts'
import { createNutServer } from '../../src/server/nut-server.ts'
import { monitorConfig } from '../helpers/monitor-fakes.ts'
import { createNutDir } from '../helpers/nut-peer.ts'
import { testServerConfig } from '../helpers/nut-server-fixture.ts'
import { freePort } from '../helpers/ports.ts'
import { waitFor } from '../helpers/wait.ts'
import { RealUpsmon, readLines, upsmonConf, writeMarkerScripts } from './monitor-support.ts'

// The in-process monitor (as inside `nutshell serve`) is the primary of a device of its
// own store; a real upsmon 2.8.0 secondary watches the same device through nutshell's NUT
// server. On OB LB the in-process primary sets FSD, waits until the real secondary has
// logged out (NUMLOGINS through the server's login count), then shuts down.
describe('in-process primary with a real upsmon secondary on the nutshell server', () => {
  it('the secondary shuts down first, then the primary', async () => {
    const dir = await createNutDir({})
    const store = new DeviceStore()
    const device = store.add('dummy')
    device.setValue('ups.status', 'OL')
    device.setCommState('ok')
    const port = await freePort()
    const server = createNutServer({
      store,
      server: testServerConfig({ listen: [{ host: '127.0.0.1', port }], statePath: dir.run }),
      users: [
        {
          name: 'mons',
          password: 'secpass',
          actions: ['LOGIN'],
          instcmds: [],
          upsmon: 'secondary',
        },
      ],
      log: silentLogger(),
    })
    await server.start()
    await writeMarkerScripts(dir.base)
    const conf = join(dir.etc, 'upsmon-secondary.conf')
    await writeFile(conf, upsmonConf({ base: dir.base, port, role: 'secondary' }))
    const secondary = await RealUpsmon.start(conf, dir.env)
    const notes: Notification[] = []
    const running = await startMonitor({
      config: monitorConfig(
        [
          {
            system: `dummy@localhost:${port}`,
            ups: 'dummy',
            host: 'localhost',
            port,
            powerValue: 1,
            user: '',
            password: '',
            role: 'primary',
          },
        ],
        {
          shutdownCommand: { shell: `${dir.base}/shutdown.sh primary` },
          // As upsmon's own example: the secondary's parent runs its SHUTDOWNCMD after its child left.
          finalDelayMs: 1_000,
          hostSyncMs: 15_000,
        },
      ),
      store,
      localPorts: [port],
      logins: (name) => server.loginCount(name),
      log: silentLogger(),
      syslog: false,
      wall: false,
    })
    running.monitor.events.on('notify', (n) => notes.push(n))
    try {
      await waitFor(() => server.loginCount('dummy') === 1, {
        what: 'real upsmon logged in',
        timeoutMs: 15_000,
      }).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${secondary.output.join('')}`)
      })
      device.setValue('ups.status', 'OB LB')
      const order = await waitFor(
        async () => {
          const lines = await readLines(join(dir.base, 'shutdown.log'))
          return lines.length >= 2 ? lines : undefined
        },
        { what: 'both SHUTDOWNCMDs', timeoutMs: 15_000 },
      )
      assert.deepEqual(order, ['secondary', 'primary'])
      assert.equal(device.fsdLatched, true)
      assert.deepEqual(
        notes.map((n) => n.type),
        ['ONBATT', 'LOWBATT', 'SHUTDOWN_HOSTSYNC', 'SHUTDOWN'],
      )
      const secondaryNotes = await readLines(join(dir.base, 'notify.log'))
      assert.ok(
        secondaryNotes.includes(`secondary FSD dummy@127.0.0.1:${port}`),
        secondaryNotes.join('\n'),
      )
    } finally {
      await running.stop()
      await secondary.stop()
      await server.stop()
      await dir.cleanup()
    }
  })
})
