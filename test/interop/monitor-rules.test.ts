import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import type { RealNut } from '../helpers/nut-peer.ts'
import { waitFor } from '../helpers/wait.ts'
import {
  type Daemon,
  loginCount,
  readLines,
  setStatus,
  startNutForMonitor,
  startNutshellMonitor,
  upsmonConf,
  writeMarkerScripts,
} from './monitor-support.ts'

// Issue 4: rules run inside `nutshell monitor` too. Here the monitor watches a real upsd
// (remote mode, polling) and its rules see the UPS's status and the notify events.
describe('rules inside nutshell monitor', () => {
  let nut: RealNut | undefined
  let monitor: Daemon | undefined
  after(async () => {
    await monitor?.stop()
    await nut?.stop()
  })

  it('runs an on-event rule and a when rule against a real upsd', async () => {
    nut = await startNutForMonitor()
    const base = nut.dir.base
    await writeMarkerScripts(base)
    const conf = join(nut.dir.etc, 'upsmon-nutshell.conf')
    await writeFile(conf, upsmonConf({ base, port: nut.port, role: 'secondary' }))
    const rulesFile = join(base, 'site.rules')
    await writeFile(
      rulesFile,
      [
        'on ONBATT {',
        `  exec ["/bin/sh", "-c", "echo event $NOTIFYTYPE $UPSNAME >> ${base}/rules.log"]`,
        '}',
        'when ups.status has OB {',
        `  exec ["/bin/sh", "-c", "echo when {ups} >> ${base}/rules.log"]`,
        '}',
        '',
      ].join('\n'),
    )
    monitor = startNutshellMonitor(
      ['-f', conf, '--rules', rulesFile, '--pid-file', join(base, 'monitor.pid')],
      nut.dir.env,
    )
    const started = nut
    await waitFor(async () => (await loginCount(started)) >= 1, { what: 'the monitor to log in' })
    await setStatus(nut, 'OB')
    await waitFor(async () => (await readLines(join(base, 'rules.log'))).length >= 2, {
      what: 'both rules to run',
      timeoutMs: 15_000,
    })
    const lines = (await readLines(join(base, 'rules.log'))).sort()
    assert.deepEqual(lines, ['event ONBATT dummy', 'when dummy'])
  })
})
