import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import type { CutKind } from '../helpers/netns.ts'
import { type NotifyLine, PartitionRig, partitionCycles } from '../helpers/partition-rig.ts'
import { waitFor } from '../helpers/wait.ts'

// Partitions shorter than DEADTIME (docs/reliability.md): each secondary — real upsmon,
// nutshell monitor with WATCH push, nutshell monitor polling — loses the server for 2.5 s,
// DEADTIME is 8 s. On line every cut is reported (COMMBAD, then COMMOK) and nothing shuts
// down; on battery, flapping cuts (NUT issue 2454: a 4 s link flap shut a secondary down in
// NUT 2.8.2) shut nothing down either. Counts and orders are asserted; timings printed.
const timings = { pollFreq: 1, deadTime: 8, hostSync: 5 }
const cutMs = 2500
let rig: PartitionRig

before(async () => {
  rig = await PartitionRig.create('a', timings)
  await rig.startServe()
  for (const s of rig.secondaries) rig.startSecondary(s)
  await rig.waitForLogins(rig.secondaries, 'every secondary logged in')
})
after(async () => {
  await rig?.destroy()
})

const since = (list: NotifyLine[], from: number) => list.slice(from)

async function cycle(kind: CutKind, report: string[]): Promise<void> {
  const before = (await rig.notifications()).length
  const cutAt = Date.now()
  await Promise.all(rig.secondaries.map((s) => rig.net.cut(s.link, kind)))
  if (kind === 'reset') {
    // A rejecting network is noticed at the next poll: wait for every COMMBAD.
    await waitFor(
      async () => {
        const got = since(await rig.notifications(), before)
        return rig.secondaries.every((s) =>
          got.some((n) => n.role === s.role && n.type === 'COMMBAD'),
        )
      },
      { what: `COMMBAD from every secondary\n${rig.outputs()}`, timeoutMs: cutMs + 5000 },
    )
  }
  await delay(Math.max(0, cutAt + cutMs - Date.now()))
  await Promise.all(rig.secondaries.map((s) => rig.net.heal(s.link)))
  const healedAt = Date.now()
  await waitFor(
    async () => {
      const got = since(await rig.notifications(), before)
      return rig.secondaries.every((s) => {
        const mine = got.filter(
          (n) => n.role === s.role && (n.type === 'COMMBAD' || n.type === 'COMMOK'),
        )
        return mine.length === 0 || mine.at(-1)?.type === 'COMMOK'
      })
    },
    { what: `COMMOK after the heal\n${rig.outputs()}`, timeoutMs: 15_000 },
  )
  // The server never saw the rejected connections end: they stay listed until its idle
  // timeout (60 s), beside the new ones (counted in the report).
  const listed = await rig.waitForLogins(rig.secondaries, 'every secondary back', { exact: false })
  report.push(`${kind}: ${listed.length} sessions listed after the heal`)
  const got = since(await rig.notifications(), before)
  for (const s of rig.secondaries) {
    const mine = got.filter((n) => n.role === s.role)
    const bad = mine.find((n) => n.type === 'COMMBAD')
    const ok = mine.find((n) => n.type === 'COMMOK')
    report.push(
      `${kind} ${s.role}: COMMBAD ${bad === undefined ? '-' : `+${bad.at - cutAt} ms`}, COMMOK ${ok === undefined ? '-' : `+${ok.at - healedAt} ms after heal`}`,
    )
    const comm = mine.filter((n) => n.type === 'COMMBAD' || n.type === 'COMMOK').map((n) => n.type)
    if (kind === 'reset')
      assert.deepEqual(comm, ['COMMBAD', 'COMMOK'], `${s.role}: ${comm.join(' ')}`)
    // A silent cut shorter than the read timeout may go unnoticed; if noticed, it heals.
    else
      assert.ok(comm.length === 0 || (comm.length === 2 && comm[0] === 'COMMBAD'), comm.join(' '))
  }
  const primary = got.filter((n) => n.role === 'primary')
  assert.deepEqual(primary, [], 'the primary sees its UPS in-process: no partition touches it')
}

async function assertNothingShutDown(): Promise<void> {
  const critical = (await rig.notifications()).filter((n) =>
    ['LOWBATT', 'FSD', 'SHUTDOWN', 'SHUTDOWN_HOSTSYNC'].includes(n.type),
  )
  assert.deepEqual(critical, [], 'no LOWBATT, FSD or SHUTDOWN')
  assert.deepEqual(await rig.shutdowns(), [], 'no SHUTDOWNCMD ran')
  for (const s of rig.secondaries) assert.ok(!(s.process?.exited ?? true), `${s.role} still runs`)
}

describe(`partitions shorter than DEADTIME (${partitionCycles} cycles each)`, {
  timeout: 60_000 + partitionCycles * 40_000,
}, () => {
  it('on line: every secondary cut for 2.5 s reports COMMBAD then COMMOK, and nothing shuts down', async () => {
    const report: string[] = []
    for (let n = 0; n < partitionCycles; n++) await cycle('reset', report)
    await assertNothingShutDown()
    console.log(report.join('\n'))
  })

  it('on battery: flapping cuts (rejected, then pulled links) shut nothing down', async () => {
    await rig.setStatus('OB')
    await waitFor(
      async () => {
        const got = await rig.notifications()
        return [...rig.secondaries.map((s) => s.role), 'primary'].every((role) =>
          got.some((n) => n.role === role && n.type === 'ONBATT'),
        )
      },
      { what: `ONBATT everywhere\n${rig.outputs()}` },
    )
    const report: string[] = []
    for (let n = 0; n < partitionCycles; n++) await cycle(n % 2 === 0 ? 'reset' : 'link', report)
    await assertNothingShutDown()
    await rig.setStatus('OL')
    console.log(report.join('\n'))
  })
})
