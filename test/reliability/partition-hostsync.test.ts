import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { PartitionRig, partitionCycles, type Secondary } from '../helpers/partition-rig.ts'
import { waitFor } from '../helpers/wait.ts'

// A partition during HOSTSYNC (docs/reliability.md): the UPS goes OB LB, the in-process
// primary sets FSD and waits for the secondaries to log out. One secondary's link is pulled
// just before: the server still counts its login, so the primary must wait out HOSTSYNC,
// and must not go before the reachable secondaries have shut down and logged out. When the
// link comes back the cut secondary sees FSD and shuts down too. Every cycle starts a fresh
// server (FSD stays latched, as in upsd) and pulls a different secondary's link.
const timings = { pollFreq: 1, deadTime: 6, hostSync: 3 }
let rig: PartitionRig | undefined

after(async () => {
  await rig?.destroy()
})

describe(`a partition during HOSTSYNC (${partitionCycles} cycles)`, {
  timeout: 60_000 + partitionCycles * 60_000,
}, () => {
  it('the primary waits out HOSTSYNC, goes only after the reachable secondaries, and the cut one follows once healed', async () => {
    const r = await PartitionRig.create('c', timings)
    rig = r
    const report: string[] = []
    for (let n = 0; n < partitionCycles; n++) {
      await r.setStatusFile('OL')
      await r.startServe()
      for (const s of r.secondaries) r.startSecondary(s)
      await r.waitForLogins(r.secondaries, 'every secondary logged in')
      const cut = r.secondaries[n % r.secondaries.length] as Secondary
      const reachable = r.secondaries.filter((s) => s !== cut)
      const before = (await r.shutdowns()).length
      const notesBefore = (await r.notifications()).length
      await r.net.cut(cut.link, 'link')
      const criticalAt = Date.now()
      // Who is logged in, sampled all along the wait: the reachable secondaries must have
      // left before the primary's SHUTDOWNCMD ran.
      const samples: Array<{ at: number; logins: string[] }> = []
      let sampling = true
      const sampler = (async () => {
        while (sampling) samples.push({ logins: await r.logins(), at: Date.now() })
      })()
      await r.setStatus('OB LB')
      await waitFor(
        async () => (await r.shutdowns())?.slice(before).some((l) => l.role === 'primary'),
        {
          what: `the primary's SHUTDOWNCMD\n${r.outputs()}`,
          timeoutMs: 30_000,
          intervalMs: 100,
        },
      )
      // Still partitioned: the cut secondary has not shut down, and the server still lists
      // its login — the primary went on because HOSTSYNC ran out, not because it left.
      sampling = false
      await sampler
      const atPrimary = (await r.shutdowns()).slice(before)
      const primaryMark = atPrimary.at(-1)?.at ?? 0
      const addresses = reachable.map((s) => s.link.clientAddress)
      const gone = samples.find(
        (x, i) =>
          !x.logins.some((a) => addresses.includes(a)) &&
          samples.slice(0, i).some((y) => y.logins.some((a) => addresses.includes(a))),
      )
      assert.ok(
        gone !== undefined && gone.at <= primaryMark,
        `cycle ${n + 1}: the reachable secondaries logged out before the primary went on`,
      )
      assert.deepEqual(
        atPrimary
          .map((l) => l.role)
          .slice(0, -1)
          .sort(),
        reachable.map((s) => s.role).sort(),
        `cycle ${n + 1}: the reachable secondaries shut down before the primary`,
      )
      assert.equal(atPrimary.at(-1)?.role, 'primary')
      assert.deepEqual(
        await r.logins(),
        [cut.link.clientAddress],
        'only the cut secondary is still logged in',
      )
      const notes = (await r.notifications()).slice(notesBefore).filter((x) => x.role === 'primary')
      const types = notes.map((x) => x.type)
      assert.ok(types.includes('SHUTDOWN_HOSTSYNC'), `the primary had to wait: ${types.join(' ')}`)
      assert.ok(types.indexOf('SHUTDOWN_HOSTSYNC') < types.indexOf('SHUTDOWN'), types.join(' '))
      assert.match(r.serveOutput(), /host sync timer expired/)
      const primaryAt = primaryMark
      await r.net.heal(cut.link)
      await waitFor(
        async () => (await r.shutdowns())?.slice(before).some((l) => l.role === cut.role),
        {
          what: `${cut.role} to shut down once healed\n${r.outputs()}`,
          timeoutMs: 40_000,
          intervalMs: 100,
        },
      )
      for (const s of r.secondaries) {
        await waitFor(() => s.process?.exited === true, {
          what: `${s.role} to exit`,
          timeoutMs: 20_000,
        })
      }
      const all = (await r.shutdowns()).slice(before)
      assert.equal(
        all.length,
        4,
        `cycle ${n + 1}: four shutdowns, one each: ${all.map((l) => l.role).join(' ')}`,
      )
      assert.equal(all.at(-1)?.role, cut.role, 'the cut secondary last')
      report.push(
        `cycle ${n + 1}: ${cut.role} cut; secondaries +${all
          .slice(0, 2)
          .map((l) => l.at - criticalAt)
          .join(
            '/',
          )} ms, primary +${primaryAt - criticalAt} ms (HOSTSYNC ${timings.hostSync} s; logins gone +${(gone?.at ?? 0) - criticalAt} ms), ${cut.role} +${(all.at(-1)?.at ?? 0) - criticalAt} ms`,
      )
      await r.stopServe()
    }
    console.log(report.join('\n'))
  })
})
