import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { PartitionRig, partitionCycles } from '../helpers/partition-rig.ts'
import { waitFor } from '../helpers/wait.ts'

// A secondary cut off past DEADTIME while on battery (docs/reliability.md): it cannot know
// how long the battery lasts, so it shuts down — exactly once — and nobody else does. Each
// cycle pulls one secondary's link (silent: no reset, no error, only silence), in turn real
// upsmon, nutshell monitor with WATCH push, nutshell monitor polling; then heals the link
// and starts that secondary again. Counts and orders are asserted; timings printed.
const timings = { pollFreq: 1, deadTime: 3, hostSync: 3 }
let rig: PartitionRig

before(async () => {
  rig = await PartitionRig.create('b', timings)
  await rig.startServe()
  for (const s of rig.secondaries) rig.startSecondary(s)
  await rig.waitForLogins(rig.secondaries, 'every secondary logged in')
  await rig.setStatus('OB')
  // Every monitor must have seen the battery before its link is pulled: one cut while its
  // last reading was OL rightly never shuts down (DEADTIME promotes only a UPS last seen OB).
  await rig.waitForNotify(['primary', ...rig.secondaries.map((s) => s.role)], 'ONBATT')
})
after(async () => {
  await rig?.destroy()
})

describe(`a secondary cut past DEADTIME on battery (${partitionCycles} cycles)`, {
  timeout: 60_000 + partitionCycles * 60_000,
}, () => {
  it('the cut secondary shuts down exactly once, the others and the primary never', async () => {
    const report: string[] = []
    const expected = new Map<string, number>()
    for (let n = 0; n < partitionCycles; n++) {
      const cut = rig.secondaries[n % rig.secondaries.length]
      assert.ok(cut !== undefined)
      const others = rig.secondaries.filter((s) => s !== cut)
      const before = (await rig.shutdowns()).length
      const cutAt = Date.now()
      await rig.net.cut(cut.link, 'link')
      await waitFor(async () => (await rig.shutdowns()).length > before, {
        what: `${cut.role} to shut down\n${rig.outputs()}`,
        timeoutMs: 40_000,
        intervalMs: 100,
      })
      const shutAt = (await rig.shutdowns()).at(-1)?.at ?? 0
      // Its monitor exits after SHUTDOWNCMD, as upsmon's does: only then is the count final.
      await waitFor(() => cut.process?.exited === true, {
        what: `${cut.role} to exit`,
        timeoutMs: 20_000,
      })
      await rig.net.heal(cut.link)
      const lines = (await rig.shutdowns()).slice(before)
      assert.deepEqual(
        lines.map((l) => l.role),
        [cut.role],
        `cycle ${n + 1}: only ${cut.role}, once`,
      )
      expected.set(cut.role, (expected.get(cut.role) ?? 0) + 1)
      for (const o of others) assert.ok(!(o.process?.exited ?? true), `${o.role} still runs`)
      report.push(`cycle ${n + 1}: ${cut.role} cut, SHUTDOWNCMD +${shutAt - cutAt} ms`)
      const onbatt = (await rig.notifications()).filter(
        (x) => x.role === cut.role && x.type === 'ONBATT',
      )
      rig.startSecondary(cut)
      await rig.waitForLogins(rig.secondaries, 'the cut secondary back', { exact: false })
      await rig.waitForNotify([cut.role], 'ONBATT', onbatt.length + 1)
    }
    const counts = new Map<string, number>()
    for (const l of await rig.shutdowns()) counts.set(l.role, (counts.get(l.role) ?? 0) + 1)
    assert.deepEqual(counts, expected, 'each cut secondary shut down once per cut; nobody else')
    const primary = (await rig.notifications()).filter(
      (n) => n.role === 'primary' && ['LOWBATT', 'FSD', 'SHUTDOWN'].includes(n.type),
    )
    assert.deepEqual(primary, [], 'the primary sees its UPS on battery, not critical')
    console.log(report.join('\n'))
  })
})
