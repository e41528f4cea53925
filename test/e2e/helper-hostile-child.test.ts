import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { HelperProcess, helperStateDir, nobody, procStatus } from '../helpers/nut-helper.ts'
import { waitFor } from '../helpers/wait.ts'
import { readLines } from '../interop/monitor-support.ts'

/**
 * A hostile child: the helper's child replaced (--child-script, in the same jail) by a
 * script that writes random bytes, oversized lengths, half frames, names with shell
 * characters and valid frames for other UPS names at full speed for 10 s. The helper runs
 * only what its own configuration allows, at its own rate, and stays responsive and small.
 */
const own = 'ups@127.0.0.1:3493'
const hostile = (done: string) => `
import { writeSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
const frame = (type, name) => Buffer.from([2, type, 0x20 + name.length, ...Buffer.from(name), 3])
const pieces = [
  () => randomBytes(64),
  () => Buffer.from([2, 0x53, 0xff, 3]),
  () => Buffer.from([2, 0x61, 0x20 + 200, ...Buffer.from('a'.repeat(50))]),
  () => frame(0x61, 'other@127.0.0.1:3493'),
  () => frame(0x61, '${own}'),
  () => frame(0x62, '${own}'),
  () => frame(0x53, ''),
  () => frame(0x46, ''),
  () => Buffer.from([2, 0x61, 0x2b, ...Buffer.from('x;rm -rf /'), 3]),
  () => frame(0x66, 'other@127.0.0.1:3493'),
]
const send = (b) => { try { writeSync(3, b); return true } catch (e) { if (e.code !== 'EAGAIN') throw e; return false } }
const end = Date.now() + 10_000
let i = 0
while (Date.now() < end) send(pieces[i++ % pieces.length]())
writeFileSync('${done}', String(i))
setTimeout(() => { while (!send(frame(0x64, '${own}'))) {} }, 2000)
setInterval(() => {}, 1000)
`

describe('the helper against a hostile child', () => {
  let base = ''
  let helper: HelperProcess | undefined
  after(async () => {
    await helper?.stop()
    if (base !== '') await rm(base, { recursive: true, force: true })
  })

  it('runs only the valid frames its configuration and rate allow, and stays responsive', async () => {
    base = await mkdtemp(join(tmpdir(), 'ns-hostile-'))
    const state = await helperStateDir(base)
    await writeFile(
      join(base, 'notify.sh'),
      `#!/bin/sh\necho "$NOTIFYTYPE $UPSNAME" >> ${base}/notify.log\n`,
      { mode: 0o755 },
    )
    await writeFile(join(base, 'shutdown.sh'), `#!/bin/sh\necho x >> ${base}/shutdown.log\n`, {
      mode: 0o755,
    })
    await writeFile(
      join(base, 'upsmon.conf'),
      `MONITOR ${own} 1 u p secondary
RUN_AS_USER ${nobody.name}
SHUTDOWNCMD "${base}/shutdown.sh"
NOTIFYCMD ${base}/notify.sh
POWERDOWNFLAG ${base}/killpower
NOTIFYFLAG ONBATT EXEC
NOTIFYFLAG COMMOK EXEC
NOTIFYFLAG LOWBATT SYSLOG
NOTIFYFLAG SHUTDOWN EXEC
`,
    )
    const script = join(base, 'hostile.mjs')
    const done = join(state, 'flood-done')
    await writeFile(script, hostile(done), { mode: 0o644 })
    helper = await HelperProcess.start(
      ['--monitor', '--nut-confpath', base, '--state-path', state, '--child-script', script],
      process.env,
    )
    const running = helper
    const pid = running.child.pid as number
    let maxRssKb = 0
    const sample = setInterval(() => {
      const rss = Number.parseInt(procStatus(pid)['VmRSS'] ?? '0', 10)
      maxRssKb = Math.max(maxRssKb, rss)
    }, 250)
    try {
      await waitFor(async () => (await readLines(done)).length > 0, {
        what: 'the 10 s flood',
        timeoutMs: 40_000,
      })
      // The one valid frame after the flood is carried out.
      await waitFor(
        async () => (await readLines(join(base, 'notify.log'))).includes(`COMMOK ${own}`),
        {
          what: 'the COMMOK frame sent after the flood',
          timeoutMs: 15_000,
        },
      )
    } finally {
      clearInterval(sample)
    }
    await running.stop()
    const [stopped] = running.logs('nutshell helper stopped')
    assert.ok(stopped !== undefined, running.text)
    const carried = stopped['carriedOut'] as number
    // SHUTDOWNCMD once, the flag at most once (only if its frame came before the first
    // shutdown frame); every other carried-out request is a NOTIFYCMD line.
    const flag = await readLines(join(base, 'killpower'))
    assert.ok(flag.length === 0 || flag.join('') === 'upsmon-shutdown-file')
    // The helper waits for the commands it started before it exits.
    const lines = await readLines(join(base, 'notify.log'))
    assert.equal(lines.length, carried - 1 - flag.length, running.text)
    for (const line of lines) assert.ok([`ONBATT ${own}`, `COMMOK ${own}`].includes(line), line)
    const onbatt = lines.filter((l) => l.startsWith('ONBATT')).length
    assert.ok(onbatt >= 1)
    // The notify bucket: a burst of 10, then 2 a second, over well under 30 s of running.
    assert.ok(lines.length <= 10 + 2 * 30, `${lines.length} NOTIFYCMD runs`)
    assert.deepEqual(await readLines(join(base, 'shutdown.log')), ['x'])
    assert.ok((stopped['refused'] as number) > 0, 'other UPS names were refused')
    assert.ok((stopped['rateDropped'] as number) > 0, 'the flood was throttled')
    const [garbage] = running.logs('the child sent garbage')
    const resets = garbage?.['resets'] as Record<string, number> | undefined
    assert.ok(resets !== undefined && Object.values(resets).every((n) => n > 0), running.text)
    assert.ok(maxRssKb > 0 && maxRssKb < 200_000, `helper RSS ${maxRssKb} kB`)
  })
})
