import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { PartitionRig, partitionCycles } from '../helpers/partition-rig.ts'
import { waitFor } from '../helpers/wait.ts'

// Soak tier only (npm run soak): silent partitions (every packet dropped, no reset) long
// enough to be noticed — past nutshell's 10 s read timeout — and still shorter than
// DEADTIME (25 s), on battery. Every secondary reports COMMBAD then COMMOK; nothing shuts
// down. Too slow for `npm test` (about 20 s a cycle); the fast tier proves the same with
// rejected connections (test/reliability/partition-short.test.ts).
const timings = { pollFreq: 1, deadTime: 25, hostSync: 10 }
const cutMs = 14_000
let rig: PartitionRig

before(async () => {
  rig = await PartitionRig.create('s', timings)
  await rig.startServe()
  for (const s of rig.secondaries) rig.startSecondary(s)
  await rig.waitForLogins(rig.secondaries, 'every secondary logged in')
  await rig.setStatus('OB')
  await rig.waitForNotify(['primary', ...rig.secondaries.map((s) => s.role)], 'ONBATT')
})
after(async () => {
  await rig?.destroy()
})

describe(`silent partitions shorter than DEADTIME, on battery (${partitionCycles} cycles)`, {
  timeout: 60_000 + partitionCycles * 60_000,
}, () => {
  it('every secondary notices and comes back; nothing shuts down', async () => {
    const report: string[] = []
    for (let n = 0; n < partitionCycles; n++) {
      const before = (await rig.notifications()).length
      const cutAt = Date.now()
      await Promise.all(rig.secondaries.map((s) => rig.net.cut(s.link, 'drop')))
      await delay(cutMs)
      await Promise.all(rig.secondaries.map((s) => rig.net.heal(s.link)))
      const healedAt = Date.now()
      await waitFor(
        async () => {
          const got = (await rig.notifications()).slice(before)
          return rig.secondaries.every(
            (s) => got.filter((x) => x.role === s.role).at(-1)?.type === 'COMMOK',
          )
        },
        { what: `COMMOK everywhere\n${rig.outputs()}`, timeoutMs: 40_000 },
      )
      const got = (await rig.notifications()).slice(before)
      for (const s of rig.secondaries) {
        const comm = got.filter((x) => x.role === s.role).map((x) => x.type)
        assert.deepEqual(comm, ['COMMBAD', 'COMMOK'], `${s.role}: ${comm.join(' ')}`)
        const bad = got.find((x) => x.role === s.role && x.type === 'COMMBAD')
        const ok = got.find((x) => x.role === s.role && x.type === 'COMMOK')
        report.push(
          `cycle ${n + 1} ${s.role}: COMMBAD +${(bad?.at ?? 0) - cutAt} ms, COMMOK +${(ok?.at ?? 0) - healedAt} ms after the heal`,
        )
      }
      await rig.waitForLogins(rig.secondaries, 'every secondary back', { exact: false })
    }
    assert.deepEqual(await rig.shutdowns(), [], 'nothing shut down')
    console.log(report.join('\n'))
  })
})
