import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import {
  cmdline,
  descendants,
  HelperProcess,
  helperStateDir,
  nobody,
  procStatus,
} from '../helpers/nut-helper.ts'
import { waitFor } from '../helpers/wait.ts'

/**
 * The jail as `nutshell helper` really builds it (bubblewrap + Node's permission model, as
 * nobody): a probe script replaces the child (the helper's hidden --child-script) and tries
 * what a compromised network part would try. Its upsmon.conf is made world-readable so
 * that what stops the probe is the jail, not the file's mode.
 */
const probe = (state: string, conf: string) => `
import { readFileSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { Worker } from 'node:worker_threads'
const r = {}
const attempt = (name, f) => {
  try { f(); r[name] = 'ok' } catch (e) { r[name] = e.code ?? String(e) }
}
attempt('writeEtc', () => writeFileSync('/etc/nutshell-probe', 'x'))
attempt('writeVarTmp', () => writeFileSync('/var/tmp/nutshell-probe', 'x'))
attempt('writeState', () => writeFileSync('${state}/probe', 'x'))
attempt('spawn', () => { const x = spawnSync('/bin/true'); if (x.error) throw x.error })
attempt('worker', () => new Worker('1', { eval: true }))
attempt('readHelperConfig', () => readFileSync('${conf}'))
attempt('readShadow', () => readFileSync('/etc/shadow'))
process.stdout.write('PROBE ' + JSON.stringify(r) + '\\n')
setInterval(() => {}, 1000)
`

describe("the helper's child jail", () => {
  let base = ''
  let helper: HelperProcess | undefined
  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'ns-jail-'))
  })
  after(async () => {
    await helper?.stop()
    await rm(base, { recursive: true, force: true })
  })

  it('denies writes outside the state directory, processes, workers and the config', async () => {
    const state = await helperStateDir(base)
    const conf = join(base, 'upsmon.conf')
    await writeFile(
      conf,
      `MONITOR ups@127.0.0.1 1 u p secondary\nRUN_AS_USER ${nobody.name}\nSHUTDOWNCMD "/bin/true"\n`,
      { mode: 0o644 },
    )
    const script = join(base, 'probe.mjs')
    await writeFile(script, probe(state, conf), { mode: 0o644 })
    helper = await HelperProcess.start(
      ['--monitor', '--nut-confpath', base, '--state-path', state, '--child-script', script],
      process.env,
    )
    const line = await waitFor(() => /PROBE (.*)/.exec(helper?.text ?? '')?.[1], {
      what: `the probe's report\n${helper.text}`,
      timeoutMs: 20_000,
    })
    const result = JSON.parse(line) as Record<string, string>
    assert.equal(result['writeState'], 'ok', 'the state directory stays writable')
    for (const denied of [
      'writeEtc',
      'writeVarTmp',
      'spawn',
      'worker',
      'readHelperConfig',
      'readShadow',
    ])
      assert.equal(result[denied], 'ERR_ACCESS_DENIED', `${denied}: ${result[denied]}`)
    assert.equal(await readFile(join(state, 'probe'), 'utf8'), 'x')

    // Every process of the jail runs as nobody, with no capability and no supplementary group.
    const pid = helper.child.pid as number
    const jailed = descendants(pid)
    assert.ok(jailed.length >= 2, 'bwrap and the node inside it')
    assert.equal(cmdline(jailed[0] as number)[0], '/usr/bin/bwrap')
    const node = jailed.find((p) => cmdline(p).includes('--experimental-permission'))
    assert.ok(node !== undefined)
    assert.ok(
      !cmdline(node).some(
        (a) => a.startsWith('--allow-child-process') || a.startsWith('--allow-worker'),
      ),
    )
    for (const p of jailed) {
      const status = procStatus(p)
      assert.equal(status['Uid']?.split(/\s+/)[0], String(nobody.uid), `uid of ${p}`)
      assert.equal(status['Gid']?.split(/\s+/)[0], String(nobody.gid), `gid of ${p}`)
      assert.equal(BigInt(`0x${status['CapEff']}`), 0n, `CapEff of ${p}`)
      assert.equal(status['Groups'], '', `supplementary groups of ${p}`)
    }
    assert.equal(procStatus(node)['NoNewPrivs'], '1')
  })
})
