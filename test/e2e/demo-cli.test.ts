import assert from 'node:assert/strict'
import { once } from 'node:events'
import { type AddressInfo, createServer } from 'node:net'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { nutBinaries } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup, run } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'

const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

/** The story's lines: what follows the introduction. */
function afterStart(output: string): string {
  return output.split('Press Ctrl-C to stop.\n\n')[1] ?? ''
}
const processes = new ProcessGroup()
after(() => processes.stopAll())

describe('nutshell demo', () => {
  it('serves a simulated UPS, prints the upsc command and events, and stops on Ctrl-C', async () => {
    const port = await freePort()
    const child = processes.start('demo', process.execPath, [
      '--import',
      'tsx',
      cli,
      'demo',
      '--port',
      String(port),
    ])
    await waitFor(() => processes.outputOf('demo').includes('ONLINE'), {
      what: 'the demo to start',
      timeoutMs: 20_000,
    })
    const output = processes.outputOf('demo')
    assert.match(output, new RegExp(`upsc demo@127\\.0\\.0\\.1:${port}`))

    const upsc = await run(nutBinaries.upsc, [`demo@127.0.0.1:${port}`, 'ups.status'])
    assert.equal(upsc.stdout.trim(), 'OL')
    const model = await run(nutBinaries.upsc, [`demo@127.0.0.1:${port}`, 'ups.model'])
    assert.equal(model.stdout.trim(), 'Simulated 1500VA')

    const exited = once(child, 'exit')
    child.kill('SIGINT')
    const [code] = await exited
    assert.equal(code, 0)
    assert.match(processes.outputOf('demo'), /nutshell demo: stopped/)
  })

  it('tells the story in order: charge falling, rule, LOWBATT, simulated shutdown, power back, recharge', async () => {
    const port = await freePort()
    const child = processes.start('story', process.execPath, [
      '--import',
      'tsx',
      cli,
      'demo',
      '--port',
      String(port),
      '--speed',
      '10',
    ])
    await waitFor(
      () =>
        /OL CHRG[\s\S]*status OL {13}charge 100 %/.test(afterStart(processes.outputOf('story'))),
      {
        what: 'one whole pass of the story',
        timeoutMs: 60_000,
      },
    )
    child.kill('SIGINT')
    await once(child, 'exit')
    const lines = afterStart(processes.outputOf('story')).split('\n')
    const expected: RegExp[] = [
      /^ 0:00 {2}demo {5}ONLINE {4}status OL {13}charge 100 % {2}runtime 40 min$/,
      /demo {5}ONBATT {4}status OB DISCHRG {5}charge {2}97 %/,
      /demo {15}status OB DISCHRG {5}charge {2}91 % {2}runtime 35 min/,
      /rule {5}demo\.rules:1 {2}notify "demo has been on battery for 10 s \(\d+ % left\)"/,
      /demo {5}LOWBATT {3}status OB DISCHRG LB {2}charge {2}20 %/,
      /monitor {2}forced shutdown: supplies 0 below MINSUPPLIES 1/,
      /monitor {2}SHUTDOWN {2}"Auto logout and shutdown proceeding"/,
      /monitor {2}would run SHUTDOWNCMD now \(demo: not run\): \/sbin\/shutdown -h \+0/,
      /demo {5}ONLINE {4}status OL CHRG {8}charge {2}20 %/,
      /rule {5}demo\.rules:1 {2}notify "demo: power is back"/,
      /monitor {2}power is back: watching again/,
      /demo {15}status OL CHRG {8}charge {2}30 %/,
      /demo {15}status OL CHRG {8}charge {2}98 %/,
      /demo {15}status OL {13}charge 100 %/,
    ]
    let at = 0
    for (const pattern of expected) {
      const found = lines.findIndex((line, i) => i >= at && pattern.test(line))
      assert.ok(found >= 0, `${pattern} after line ${at} in:\n${lines.join('\n')}`)
      at = found + 1
    }
    // One line per step: the charge only falls on battery, and only rises on line.
    const charges = (from: RegExp, to: RegExp) => {
      const start = lines.findIndex((l) => from.test(l))
      const end = lines.findIndex((l, i) => i > start && to.test(l))
      return lines
        .slice(start, end + 1)
        .filter((l) => /^ *\d+:\d\d {2}demo /.test(l))
        .map((l) => Number(/charge +(\d+) %/.exec(l)?.[1]))
    }
    const falling = charges(/ONBATT/, /LOWBATT/)
    assert.deepEqual(
      falling,
      [...falling].sort((a, b) => b - a),
    )
    assert.ok(falling.length >= 10, falling.join(' '))
    const rising = charges(/ONLINE {4}status OL CHRG/, /status OL {13}charge 100 %/)
    assert.deepEqual(
      rising,
      [...rising].sort((a, b) => a - b),
    )
    assert.equal(rising.at(-1), 100)
  })

  it('prints commands that run as printed from here', async () => {
    const port = await freePort()
    processes.start('printed', process.execPath, [
      '--import',
      'tsx',
      cli,
      'demo',
      '--port',
      String(port),
    ])
    await waitFor(() => processes.outputOf('printed').includes('ONLINE'), {
      what: 'the demo',
      timeoutMs: 20_000,
    })
    const printed = processes
      .outputOf('printed')
      .split('\n')
      .filter((l) => / upsc demo@\S+ battery\.charge$|^ {2}upsc demo@/.test(l))
      .map((l) => l.trim())
    assert.equal(printed.length, 2, processes.outputOf('printed'))
    for (const command of printed) {
      // As a person would paste it into a shell, in this directory (the checkout).
      const result = await run('sh', ['-c', command], { timeoutMs: 120_000 })
      assert.equal(result.code, 0, `${command}: ${result.stderr}`)
      assert.match(
        result.stdout,
        command.endsWith('battery.charge') ? /^\d+\n$/ : /^ups\.status: /m,
      )
    }
    await processes.stop('printed', 'SIGINT')
  })

  it('moves to the next free port when the first one is taken', async () => {
    const blocker = createServer()
    blocker.listen(0, '127.0.0.1')
    await once(blocker, 'listening')
    const taken = (blocker.address() as AddressInfo).port
    try {
      const child = processes.start('second', process.execPath, [
        '--import',
        'tsx',
        cli,
        'demo',
        '--port',
        String(taken),
      ])
      await waitFor(() => processes.outputOf('second').includes('ONLINE'), {
        what: 'the demo',
        timeoutMs: 20_000,
      })
      const served = /served on 127\.0\.0\.1:(\d+)/.exec(processes.outputOf('second'))?.[1]
      assert.ok(served !== undefined && Number(served) > taken, processes.outputOf('second'))
      const upsc = await run(nutBinaries.upsc, [`demo@127.0.0.1:${served}`, 'ups.status'])
      assert.equal(upsc.code, 0)
      child.kill('SIGINT')
      await once(child, 'exit')
    } finally {
      blocker.close()
    }
  })
})
