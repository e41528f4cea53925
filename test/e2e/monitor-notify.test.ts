import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { silentLogger } from '../../src/core/log.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { startMonitor } from '../../src/monitor/start-monitor.ts'
import { monitorConfig, ups } from '../helpers/monitor-fakes.ts'
import { waitFor } from '../helpers/wait.ts'

// In-process monitor on a DeviceStore (as inside `nutshell serve`), with real commands:
// a NOTIFYCMD that hangs and one that prints megabytes do not stop later notifications,
// and SHUTDOWNCMD and POWERDOWNFLAG run through the in-process shutdown port.
describe('in-process monitor with real NOTIFYCMD / SHUTDOWNCMD', () => {
  it('delivers every notification although one command hangs and one floods', async () => {
    const base = await mkdtemp(join(tmpdir(), 'ns-mon-'))
    const store = new DeviceStore()
    const device = store.add('ups1')
    device.setValue('ups.status', 'OL')
    device.setCommState('ok')
    const notify = join(base, 'notify.sh')
    await writeFile(
      notify,
      `#!/bin/sh
case "$NOTIFYTYPE" in
  ONBATT) sleep 600 ;;
  LOWBATT) head -c 4000000 /dev/zero; head -c 4000000 /dev/zero >&2 ;;
esac
echo "$NOTIFYTYPE|$UPSNAME|$1" >> ${base}/notify.log
`,
      { mode: 0o755 },
    )
    await writeFile(join(base, 'shutdown.sh'), `#!/bin/sh\ntouch ${base}/shutdown-ran\n`, {
      mode: 0o755,
    })
    const config = monitorConfig([{ ...ups('ups1'), system: 'ups1@localhost' }], {
      notifyCommand: { shell: notify },
      shutdownCommand: { shell: join(base, 'shutdown.sh') },
      powerDownFlag: join(base, 'killpower'),
      notifyFlags: {
        ONBATT: ['EXEC'],
        LOWBATT: ['EXEC'],
        SHUTDOWN: ['EXEC'],
        ONLINE: ['EXEC'],
      },
      finalDelayMs: 0,
    })
    const running = await startMonitor({
      config,
      store,
      log: silentLogger(),
      syslog: false,
      wall: false,
      notifyLimits: { maxConcurrent: 1, timeoutMs: 500 },
    })
    try {
      device.setValue('ups.status', 'OB')
      device.setValue('ups.status', 'OB LB')
      await waitFor(async () => readFile(join(base, 'shutdown-ran')).then(() => true), {
        what: 'SHUTDOWNCMD',
      })
      await running.notifyRunner.idle()
      const lines = (await readFile(join(base, 'notify.log'), 'utf8')).trim().split('\n')
      assert.deepEqual(lines, [
        'LOWBATT|ups1@localhost|UPS ups1@localhost battery is low',
        'SHUTDOWN||Auto logout and shutdown proceeding',
      ])
      assert.equal(await readFile(join(base, 'killpower'), 'utf8'), 'upsmon-shutdown-file')
      assert.equal(device.fsdLatched, true)
    } finally {
      await running.stop()
      await rm(base, { recursive: true, force: true })
    }
  })
})
