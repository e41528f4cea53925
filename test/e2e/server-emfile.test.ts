import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { LineClient } from '../helpers/nut-server-fixture.ts'

const child = fileURLToPath(new URL('../helpers/nut-server-child.ts', import.meta.url))

describe('NUT server out of file descriptors', () => {
  it('survives EMFILE on accept and serves again once descriptors are free', async () => {
    // A descriptor limit far below the connections we open: accept() fails with EMFILE.
    const server = spawn(
      'bash',
      ['-c', `ulimit -n 96 && exec "${process.execPath}" --import tsx "${child}"`],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    try {
      server.stdout.setEncoding('utf8')
      const [first] = (await once(server.stdout, 'data')) as [string]
      const port = Number.parseInt(first, 10)
      const flood: Socket[] = []
      for (let i = 0; i < 200; i++) {
        const socket = connect({ port, host: '127.0.0.1' })
        socket.on('error', () => {})
        flood.push(socket)
      }
      await new Promise((resolve) => setTimeout(resolve, 500))
      assert.equal(server.exitCode, null, 'the server process is still running')
      for (const socket of flood) socket.destroy()
      await new Promise((resolve) => setTimeout(resolve, 300))
      let answered = false
      for (let attempt = 0; attempt < 50 && !answered; attempt++) {
        try {
          const probe = await LineClient.connect(port)
          answered = (await probe.request('NETVER', 2_000)) === '1.3'
          probe.close()
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      }
      assert.equal(answered, true)
      assert.equal(server.exitCode, null)
    } finally {
      server.kill('SIGTERM')
      await once(server, 'exit')
    }
  })
})
