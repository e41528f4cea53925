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
