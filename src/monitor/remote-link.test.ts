import assert from 'node:assert/strict'
import { createServer, type Server, type Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { ups } from '../../test/helpers/monitor-fakes.ts'
import { systemClock } from '../core/clock.ts'
import { silentLogger } from '../core/log.ts'
import { RemoteLink } from './remote-link.ts'

/**
 * A scripted NUT server: records every request line; `GET VAR` is answered with `status`
 * after `getDelayMs`, WATCH as configured, everything else OK.
 */
class FakeServer {
  readonly requests: string[] = []
  status = 'OL'
  getDelayMs = 0
  watch = true
  primaryAllowed = true
  socket: Socket | undefined
  private readonly server: Server
  port = 0

  constructor() {
    this.server = createServer((socket) => {
      this.socket = socket
      socket.setEncoding('utf8')
      let buffer = ''
      socket.on('data', (chunk: string) => {
        buffer += chunk
        for (;;) {
          const end = buffer.indexOf('\n')
          if (end < 0) break
          const line = buffer.slice(0, end)
          buffer = buffer.slice(end + 1)
          this.answer(socket, line)
        }
      })
    })
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    const address = this.server.address()
    this.port = typeof address === 'object' && address !== null ? address.port : 0
  }

  stop(): Promise<void> {
    this.socket?.destroy()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }

  private answer(socket: Socket, line: string): void {
    this.requests.push(line)
    const [word] = line.split(' ')
    if (word === 'GET' && line.startsWith('GET VAR')) {
      const reply = `VAR ups1 ups.status "${this.status}"\n`
      if (this.getDelayMs === 0) socket.write(reply)
      else setTimeout(() => socket.write(reply), this.getDelayMs)
    } else if (word === 'GET') {
      socket.write('NUMLOGINS ups1 3\n')
    } else if (word === 'STARTTLS') {
      socket.write('ERR FEATURE-NOT-CONFIGURED\n')
    } else if (word === 'WATCH') {
      socket.write(this.watch ? 'OK\n' : 'ERR UNKNOWN-COMMAND\n')
    } else if (word === 'PRIMARY') {
      socket.write(this.primaryAllowed ? 'OK\n' : 'ERR UNKNOWN-COMMAND\n')
    } else if (word === 'FSD') {
      socket.write('OK FSD-SET\n')
    } else {
      socket.write('OK\n')
    }
  }
}

describe('RemoteLink', () => {
  const server = new FakeServer()
  before(() => server.start())
  after(() => server.stop())

  function link(role: 'primary' | 'secondary' = 'primary') {
    const monitor = { ...ups('ups1', role), host: '127.0.0.1', port: server.port }
    return new RemoteLink({ monitor, clock: systemClock, log: silentLogger() })
  }

  it('logs in as upsmon does, falling back from PRIMARY to MASTER', async () => {
    server.requests.length = 0
    server.primaryAllowed = false
    server.watch = false
    const l = link()
    assert.deepEqual(await l.read(), { ok: true, status: 'OL' })
    assert.equal(l.mode, 'poll')
    assert.deepEqual(server.requests, [
      'STARTTLS',
      'USERNAME mon',
      'PASSWORD pw',
      'LOGIN ups1',
      'PRIMARY ups1',
      'MASTER ups1',
      'WATCH ups1',
      'GET VAR ups1 ups.status',
    ])
    await l.setFsd()
    assert.equal(await l.otherLogins(), 2, 'NUMLOGINS minus this monitor')
    await l.close()
    server.primaryAllowed = true
    server.watch = true
  })

  it('takes a change pushed during a GET as newer than the GET answer', async () => {
    const l = link('secondary')
    let pushes = 0
    l.subscribe(() => pushes++)
    assert.deepEqual(await l.read(), { ok: true, status: 'OL' })
    assert.equal(l.mode, 'push')
    server.getDelayMs = 100
    const reading = l.read()
    await new Promise((resolve) => setTimeout(resolve, 20))
    server.socket?.write('PUSH VAR ups1 ups.status "OB LB"\n')
    assert.deepEqual(await reading, { ok: true, status: 'OB LB' })
    assert.equal(pushes, 1)
    server.getDelayMs = 0
    server.status = 'OB LB'
    assert.deepEqual(await l.read(), { ok: true, status: 'OB LB' })
    server.socket?.write('PUSH STATE ups1 STALE\n')
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.deepEqual(await l.read(), { ok: false, reason: 'data stale' })
    await l.close()
    server.status = 'OL'
  })

  it('reports a server that is not there as a failed read', async () => {
    const monitor = { ...ups('ups1'), host: '127.0.0.1', port: 1 }
    const l = new RemoteLink({ monitor, clock: systemClock, log: silentLogger() })
    const result = await l.read()
    assert.equal(result.ok, false)
    await l.close()
  })
})
