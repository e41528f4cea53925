import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  cmdline,
  descendants,
  HelperProcess,
  helperStateDir,
  nobody,
  procStatus,
} from '../helpers/nut-helper.ts'
import { type RealNut, startRealNut } from '../helpers/nut-peer.ts'
import { waitFor } from '../helpers/wait.ts'
import { readLines, users } from './monitor-support.ts'

/**
 * The whole power cut through the privileged helper: `nutshell helper --monitor` as root,
 * its monitor child jailed as nobody, against real upsd and dummy-ups playing a .seq
 * OL → OB → OB LB. Only the helper runs NOTIFYCMD (per its own NOTIFYFLAG), writes
 * POWERDOWNFLAG and runs SHUTDOWNCMD, once.
 */
const seq = `ups.status: OL
battery.charge: 100
TIMER 8
ups.status: OB
battery.charge: 60
TIMER 4
ups.status: OB LB
battery.charge: 10
TIMER 600
`

describe('a power cut through nutshell helper and its jailed monitor', () => {
  it('notifies, writes the flag and runs SHUTDOWNCMD once, from the helper', async () => {
    const nut: RealNut = await startRealNut(
      {
        'ups.conf': '[dummy]\n\tdriver = dummy-ups\n\tport = power-cut.seq\n',
        'power-cut.seq': seq,
        'upsd.users': users,
      },
      ['dummy'],
    )
    let helper: HelperProcess | undefined
    try {
      const base = nut.dir.base
      const state = await helperStateDir(base)
      await writeFile(
        join(base, 'notify.sh'),
        `#!/bin/sh\necho "$NOTIFYTYPE $UPSNAME $1 $(id -u)" >> ${base}/notify.log\n`,
        { mode: 0o755 },
      )
      await writeFile(
        join(base, 'shutdown.sh'),
        `#!/bin/sh\necho "$(id -u) $(cat ${base}/killpower)" >> ${base}/shutdown.log\n`,
        {
          mode: 0o755,
        },
      )
      const system = `dummy@127.0.0.1:${nut.port}`
      await nut.dir.write(
        'upsmon.conf',
        `MONITOR ${system} 1 monp primarypass primary
MINSUPPLIES 1
SHUTDOWNCMD "${base}/shutdown.sh"
NOTIFYCMD ${base}/notify.sh
POLLFREQ 1
POLLFREQALERT 1
HOSTSYNC 2
FINALDELAY 0
POWERDOWNFLAG ${base}/killpower
RUN_AS_USER ${nobody.name}
NOTIFYFLAG ONBATT SYSLOG+EXEC
NOTIFYFLAG LOWBATT EXEC
NOTIFYFLAG SHUTDOWN EXEC
NOTIFYFLAG COMMOK SYSLOG
`,
      )
      helper = await HelperProcess.start(
        ['--monitor', '--nut-confpath', nut.dir.etc, '--state-path', state],
        nut.dir.env,
      )
      const running = helper
      // The monitor child is jailed and unprivileged while it watches.
      const child = await waitFor(
        () =>
          descendants(running.child.pid as number).find((p) =>
            cmdline(p).includes('--experimental-permission'),
          ),
        { what: `the jailed monitor\n${running.text}` },
      )
      const status = procStatus(child)
      assert.equal(status['Uid']?.split(/\s+/)[0], String(nobody.uid))
      assert.equal(BigInt(`0x${status['CapEff']}`), 0n)
      assert.ok(cmdline(child).includes('helper-pipe:3'))

      const exit = await waitFor(
        async () =>
          running.child.exitCode === null ? undefined : { code: running.child.exitCode },
        {
          what: 'the helper to finish after SHUTDOWNCMD',
          timeoutMs: 60_000,
        },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${running.text}`)
      })
      assert.equal(exit.code, 0, running.text)
      // Each NOTIFYCMD runs on its own (as upsmon forks one per notice): lines may interleave.
      const notified = (await readLines(join(base, 'notify.log'))).sort()
      assert.deepEqual(notified, [
        `LOWBATT ${system} UPS ${system} battery is low 0`,
        `ONBATT ${system} UPS ${system} on battery 0`,
        'SHUTDOWN  Auto logout and shutdown proceeding 0',
      ])
      // Once, as root, with the flag already written (as upsmon's parent does it).
      assert.deepEqual(await readLines(join(base, 'shutdown.log')), ['0 upsmon-shutdown-file'])
      assert.deepEqual(await readLines(join(base, 'killpower')), ['upsmon-shutdown-file'])
    } finally {
      await helper?.stop()
      await nut.stop()
    }
  })
})
