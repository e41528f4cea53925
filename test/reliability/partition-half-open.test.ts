import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { PartitionRig, partitionCycles } from '../helpers/partition-rig.ts'
import { waitFor } from '../helpers/wait.ts'

// Half-open connections (docs/reliability.md): everything the server sends to the
// secondaries is dropped, while what they send still arrives. Each secondary must notice
// (its poll gets no answer: COMMBAD within POLLFREQ plus its read timeout — upsmon 5 s,
// nutshell 10 s; printed, not asserted), come back once healed (COMMOK), and leave no
// second session behind on the server: exactly one login per secondary afterwards.
const timings = { pollFreq: 1, deadTime: 30, hostSync: 5 }
let rig: PartitionRig

before(async () => {
  rig = await PartitionRig.create('d', timings)
  await rig.startServe()
  for (const s of rig.secondaries) rig.startSecondary(s)
  await rig.waitForLogins(rig.secondaries, 'every secondary logged in')
})
after(async () => {
  await rig?.destroy()
})

describe(`half-open connections (${partitionCycles} cycles)`, {
  timeout: 60_000 + partitionCycles * 60_000,
}, () => {
  it('detected, reconnected when healed, and no duplicate session left', async () => {
    const report: string[] = []
    for (let n = 0; n < partitionCycles; n++) {
      const before = (await rig.notifications()).length
      const cutAt = Date.now()
      await Promise.all(rig.secondaries.map((s) => rig.net.cut(s.link, 's2c')))
      await waitFor(
        async () => {
          const got = (await rig.notifications()).slice(before)
          return rig.secondaries.every((s) =>
            got.some((x) => x.role === s.role && x.type === 'COMMBAD'),
          )
        },
        { what: `every secondary to notice\n${rig.outputs()}`, timeoutMs: 40_000, intervalMs: 100 },
      )
      await Promise.all(rig.secondaries.map((s) => rig.net.heal(s.link)))
      const healedAt = Date.now()
      await waitFor(
        async () => {
          const got = (await rig.notifications()).slice(before)
          return rig.secondaries.every((s) =>
            got.some((x) => x.role === s.role && x.type === 'COMMOK'),
          )
        },
        { what: `every secondary back\n${rig.outputs()}`, timeoutMs: 40_000, intervalMs: 100 },
      )
      // Each secondary dropped its dead connection itself (its FIN reaches the server):
      // one session each, none left over.
      await rig.waitForLogins(rig.secondaries, `cycle ${n + 1}: one session per secondary`)
      const got = (await rig.notifications()).slice(before)
      for (const s of rig.secondaries) {
        const comm = got.filter(
          (x) => x.role === s.role && (x.type === 'COMMBAD' || x.type === 'COMMOK'),
        )
        assert.deepEqual(
          comm.map((x) => x.type),
          ['COMMBAD', 'COMMOK'],
          s.role,
        )
        report.push(
          `cycle ${n + 1} ${s.role}: COMMBAD +${(comm[0]?.at ?? 0) - cutAt} ms after the cut, COMMOK +${(comm[1]?.at ?? 0) - healedAt} ms after the heal`,
        )
      }
    }
    assert.deepEqual(await rig.shutdowns(), [], 'no shutdown on line')
    console.log(report.join('\n'))
  })
})
