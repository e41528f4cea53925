import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { RealNut } from '../helpers/nut-peer.ts'
import { waitFor } from '../helpers/wait.ts'
import {
  type Daemon,
  loginCount,
  RealUpsmon,
  readLines,
  setStatus,
  startNutForMonitor,
  startNutshellMonitor,
  upsmonConf,
  writeMarkerScripts,
} from './monitor-support.ts'

// Mixed primary/secondary groups against real upsd 2.8.0 + dummy-ups (reference 3.5):
// the secondary must shut down first, then the primary, each running its SHUTDOWNCMD.
// Real upsmon instances run one at a time (fixed PID file path), so these run in series.

interface Group {
  nut: RealNut
  daemons: Daemon[]
}

async function setUp(primary: 'nutshell' | 'upsmon'): Promise<Group> {
  const nut = await startNutForMonitor()
  const group: Group = { nut, daemons: [] }
  try {
    const base = nut.dir.base
    await writeMarkerScripts(base)
    for (const role of ['secondary', 'primary'] as const) {
      const file = join(nut.dir.etc, `upsmon-${role}.conf`)
      await writeFile(file, upsmonConf({ base, port: nut.port, role }), { mode: 0o600 })
      const ours = (role === 'primary') === (primary === 'nutshell')
      group.daemons.push(
        ours
          ? startNutshellMonitor(['-f', file, '--pid-file', join(base, `${role}.pid`)], nut.dir.env)
          : await RealUpsmon.start(file, nut.dir.env),
      )
    }
    // Both monitors logged in (LIST CLIENT shows each LOGIN).
    await waitFor(async () => (await loginCount(nut)) === 2, {
      what: `two monitors logged in\n${group.daemons.map((d) => d.output.join('')).join('\n---\n')}`,
      timeoutMs: 15_000,
    })
    return group
  } catch (error) {
    await tearDown(group)
    throw error
  }
}

async function tearDown(group: Group | undefined): Promise<void> {
  if (group === undefined) return
  for (const daemon of group.daemons) await daemon.stop()
  await group.nut.stop()
}

async function shutdownOrder(group: Group): Promise<string[]> {
  const log = join(group.nut.dir.base, 'shutdown.log')
  return waitFor(
    async () => {
      const lines = await readLines(log)
      return lines.length >= 2 ? lines : undefined
    },
    { what: 'both SHUTDOWNCMDs', timeoutMs: 20_000 },
  )
}

describe('monitor interop with real upsmon 2.8.0', { concurrency: 1 }, () => {
  it('nutshell primary with a real upsmon secondary: secondary first, then primary', async () => {
    let group: Group | undefined
    try {
      group = await setUp('nutshell')
      await setStatus(group.nut, 'OB LB')
      const order = await shutdownOrder(group)
      assert.deepEqual(order, ['secondary', 'primary'])
      const notes = await readLines(join(group.nut.dir.base, 'notify.log'))
      const system = `dummy@127.0.0.1:${group.nut.port}`
      assert.ok(notes.includes(`primary ONBATT ${system}`), notes.join('\n'))
      assert.ok(notes.includes(`primary LOWBATT ${system}`), notes.join('\n'))
      assert.ok(notes.includes('primary SHUTDOWN '), notes.join('\n'))
      assert.ok(notes.includes(`secondary FSD ${system}`), 'the real secondary saw our FSD')
      const base = group.nut.dir.base
      assert.equal(
        await readLines(join(base, 'killpower-primary')).then((l) => l.join()),
        'upsmon-shutdown-file',
      )
    } finally {
      await tearDown(group)
    }
  })

  it('real upsmon primary with a nutshell secondary: secondary first, then primary', async () => {
    let group: Group | undefined
    try {
      group = await setUp('upsmon')
      await setStatus(group.nut, 'OB LB')
      const order = await shutdownOrder(group)
      assert.deepEqual(order, ['secondary', 'primary'])
      const notes = await readLines(join(group.nut.dir.base, 'notify.log'))
      const system = `dummy@127.0.0.1:${group.nut.port}`
      assert.ok(notes.includes(`secondary FSD ${system}`), notes.join('\n'))
      assert.ok(notes.includes('secondary SHUTDOWN '), notes.join('\n'))
    } finally {
      await tearDown(group)
    }
  })
})
