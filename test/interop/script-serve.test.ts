/**
 * `nutshell serve --powerman-conf`: a powerman.conf with Debian's vpc.dev and Debian's
 * real vpcd as a coprocess; Debian's real upsc lists the plugs as NUT outlets and real
 * upscmd -w switches one and gets the tracked result of the script's run.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createNutDir, type NutDir, nutBinaries } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup, run } from '../helpers/processes.ts'
import { runningExamples } from '../helpers/script-docs.ts'
import { canConnect, waitFor } from '../helpers/wait.ts'

const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const processes = new ProcessGroup()
const dirs: NutDir[] = []

after(async () => {
  await processes.stopAll()
  await Promise.all(dirs.map((d) => d.cleanup()))
})

async function upsc(target: string, variable?: string): Promise<string> {
  const r = await run(nutBinaries.upsc, variable === undefined ? [target] : [target, variable])
  return r.stdout
}

describe('nutshell serve --powerman-conf with Debian vpcd', { timeout: 60_000 }, () => {
  it('shows every plug as an outlet to real upsc and switches one with real upscmd -w', async () => {
    const port = await freePort()
    const dir = await createNutDir({
      'ups.conf': '',
      'upsd.conf': `LISTEN 127.0.0.1 ${port}\nALLOW_NO_DEVICE true\n`,
      'upsd.users': '[admin]\n\tpassword = secret\n\tinstcmds = ALL\n',
      // The example of docs/scripts.md, "Running scripts", as the page shows it.
      'powerman.conf': runningExamples.powermanConf,
    })
    dirs.push(dir)
    processes.start('serve', process.execPath, [
      '--import',
      'tsx',
      cli,
      'serve',
      '--nut-confpath',
      dir.etc,
      '--powerman-conf',
      join(dir.etc, 'powerman.conf'),
    ])
    await waitFor(() => canConnect(port), {
      what: `nutshell serve\n${processes.outputOf('serve')}`,
      timeoutMs: 20_000,
    })
    const target = `pdu1@127.0.0.1:${port}`
    await waitFor(async () => (await upsc(target, 'outlet.1.status')).trim() === 'off', {
      what: `outlet status\n${processes.outputOf('serve')}`,
    })
    const all = await upsc(target)
    assert.match(all, /^device\.type: pdu$/m)
    assert.match(all, /^outlet\.count: 16$/m)
    assert.match(all, /^outlet\.4\.id: 4$/m)
    assert.match(all, /^outlet\.4\.name: 3$/m)
    assert.match(all, /^outlet\.4\.desc: web4$/m)
    assert.match(all, /^outlet\.4\.switchable: yes$/m)
    assert.match(all, /^outlet\.4\.temperature: 86$/m)
    assert.match(all, /^outlet\.16\.status: off$/m)

    const commands = await run(nutBinaries.upscmd, ['-l', target])
    for (const c of [
      'outlet.4.load.on',
      'outlet.4.load.off',
      'outlet.4.load.cycle',
      'outlet.load.off',
    ])
      assert.match(commands.stdout, new RegExp(`^${c.replaceAll('.', '\\.')} `, 'm'))

    const auth = ['-u', 'admin', '-p', 'secret', '-w']
    const on = await run(nutBinaries.upscmd, [...auth, target, 'outlet.4.load.on'])
    assert.match(on.stdout + on.stderr, /SUCCESS/)
    // The result came after the plug was read back: no waiting needed.
    assert.equal((await upsc(target, 'outlet.4.status')).trim(), 'on')
    const cycle = await run(nutBinaries.upscmd, [...auth, target, 'outlet.4.load.cycle'])
    assert.match(cycle.stdout + cycle.stderr, /SUCCESS/)
    assert.equal((await upsc(target, 'outlet.4.status')).trim(), 'on')
    const allOff = await run(nutBinaries.upscmd, [...auth, target, 'outlet.load.off'])
    assert.match(allOff.stdout + allOff.stderr, /SUCCESS/)
    assert.equal((await upsc(target, 'outlet.4.status')).trim(), 'off')
  })
})
