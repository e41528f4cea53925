import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { createNutDir, nutBinaries } from '../helpers/nut-peer.ts'
import { ProcessGroup, run } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'
import { readLines, repoRoot, startNutshellMonitor, writeMarkerScripts } from './monitor-support.ts'

// `nutshell monitor --local`: no upsd, no network. The monitor reads ups.conf, attaches to
// the real dummy-ups driver's state socket and shuts down on OB LB. upsmon.conf has no
// MONITOR line: the ups.conf device counts with power value 1.
describe('nutshell monitor --local against a real dummy-ups driver', () => {
  it('notifies ONBATT and runs SHUTDOWNCMD on OB LB, then -K sees the flag', async () => {
    const dir = await createNutDir({
      'ups.conf': '[dummy]\n\tdriver = dummy-ups\n\tport = dummy.dev\n\tpollinterval = 1\n',
      'dummy.dev': 'ups.status: OL\nbattery.charge: 100\n',
    })
    const drivers = new ProcessGroup()
    const monitorDaemon = { stop: async () => {} }
    try {
      await writeMarkerScripts(dir.base)
      await writeFile(
        join(dir.etc, 'upsmon.conf'),
        `SHUTDOWNCMD "${dir.base}/shutdown.sh local"
NOTIFYCMD "${dir.base}/notify.sh local"
NOTIFYFLAG ONBATT EXEC
NOTIFYFLAG LOWBATT EXEC
NOTIFYFLAG SHUTDOWN EXEC
POLLFREQ 5
FINALDELAY 0
POWERDOWNFLAG ${dir.base}/killpower
`,
      )
      drivers.start('driver', nutBinaries.dummyUps, ['-a', 'dummy', '-u', 'root', '-F'], dir.env)
      await waitFor(() => existsSync(join(dir.run, 'dummy-ups-dummy')), { what: 'driver socket' })
      const monitor = startNutshellMonitor(
        [
          '--local',
          '--nut-confpath',
          dir.etc,
          '--state-path',
          dir.run,
          '--pid-file',
          join(dir.base, 'm.pid'),
        ],
        dir.env,
      )
      monitorDaemon.stop = () => monitor.stop()
      await waitFor(() => monitor.output.join('').includes('dummy'), { what: 'monitor start' })
      // dummy-once re-reads its data file when the file's mtime changes.
      const later = new Date(Date.now() + 5_000)
      await writeFile(join(dir.etc, 'dummy.dev'), 'ups.status: OB\nbattery.charge: 50\n')
      await utimes(join(dir.etc, 'dummy.dev'), later, later)
      const notes = join(dir.base, 'notify.log')
      await waitFor(async () => (await readLines(notes)).includes('local ONBATT dummy'), {
        what: `ONBATT (${monitor.output.join('')})`,
        timeoutMs: 15_000,
      })
      const evenLater = new Date(Date.now() + 10_000)
      await writeFile(join(dir.etc, 'dummy.dev'), 'ups.status: OB LB\nbattery.charge: 5\n')
      await utimes(join(dir.etc, 'dummy.dev'), evenLater, evenLater)
      await waitFor(
        async () => (await readLines(join(dir.base, 'shutdown.log'))).includes('local'),
        {
          what: 'SHUTDOWNCMD',
          timeoutMs: 15_000,
        },
      )
      assert.deepEqual(
        // NOTIFYCMDs run side by side (up to 4): their lines may land in any order.
        (
          await waitFor(
            async () => {
              const lines = await readLines(notes)
              return lines.length >= 3 ? lines : undefined
            },
            { what: 'three notifications' },
          )
        ).sort(),
        ['local LOWBATT dummy', 'local ONBATT dummy', 'local SHUTDOWN '],
      )
      const check = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          join(repoRoot, 'src/cli/main.ts'),
          'monitor',
          '-K',
          '--nut-confpath',
          dir.etc,
        ],
        { cwd: repoRoot },
      )
      assert.equal(check.code, 0, check.stderr)
    } finally {
      await monitorDaemon.stop()
      await drivers.stopAll()
      await dir.cleanup()
    }
  })

  it('-c fsd makes the running monitor shut down at once (PID file)', async () => {
    const dir = await createNutDir({
      'ups.conf': '[dummy]\n\tdriver = dummy-ups\n\tport = dummy.dev\n',
      'dummy.dev': 'ups.status: OL\n',
    })
    const drivers = new ProcessGroup()
    const pidFile = join(dir.base, 'm.pid')
    let stop = async () => {}
    try {
      await writeMarkerScripts(dir.base)
      await writeFile(
        join(dir.etc, 'upsmon.conf'),
        `SHUTDOWNCMD "${dir.base}/shutdown.sh fsd"\nFINALDELAY 0\nPOLLFREQ 30\n`,
      )
      drivers.start('driver', nutBinaries.dummyUps, ['-a', 'dummy', '-u', 'root', '-F'], dir.env)
      await waitFor(() => existsSync(join(dir.run, 'dummy-ups-dummy')), { what: 'driver socket' })
      const monitor = startNutshellMonitor(
        ['--local', '--nut-confpath', dir.etc, '--state-path', dir.run, '--pid-file', pidFile],
        dir.env,
      )
      stop = () => monitor.stop()
      await waitFor(() => existsSync(pidFile), { what: 'PID file' })
      const signal = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          join(repoRoot, 'src/cli/main.ts'),
          'monitor',
          '-c',
          'fsd',
          '--pid-file',
          pidFile,
        ],
        { cwd: repoRoot },
      )
      assert.equal(signal.code, 0, signal.stderr)
      await waitFor(async () => (await readLines(join(dir.base, 'shutdown.log'))).includes('fsd'), {
        what: 'SHUTDOWNCMD after -c fsd',
      })
      await waitFor(() => monitor.exited, { what: 'monitor exit (SHUTDOWNEXIT yes)' })
    } finally {
      await stop()
      await drivers.stopAll()
      await dir.cleanup()
    }
  })
})
