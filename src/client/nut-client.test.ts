import assert from 'node:assert/strict'
import { createServer, type Server, type Socket } from 'node:net'
import { after, describe, test } from 'node:test'
import fc from 'fast-check'
import { ManualClock } from '../core/manual-clock.ts'
import { libupsclientMessage, NutClientError, NutServerError } from './errors.ts'
import { NutClient, type NutClientOptions } from './nut-client.ts'

/**
 * A tiny scripted NUT server: `answer` gets each request line and returns the reply text
 * (without the final LF; several lines joined by LF), or undefined for no reply.
 */
interface Script {
  server: Server
  port: number
  received: string[]
  sockets: Socket[]
  close(): Promise<void>
}

async function scriptedServer(
  answer: (line: string, socket: Socket) => string | undefined,
): Promise<Script> {
  const received: string[] = []
  const sockets: Socket[] = []
  const server = createServer((socket) => {
    sockets.push(socket)
    socket.on('error', () => {})
    let buffer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      buffer += chunk
      let out = ''
      for (;;) {
        const end = buffer.indexOf('\n')
        if (end < 0) break
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 1)
        received.push(line)
        const reply = answer(line, socket)
        if (reply !== undefined) out += `${reply}\n`
      }
      // All replies to one chunk leave in one write, as a fast server does.
      if (out !== '' && !socket.destroyed) socket.write(out)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    server,
    port,
    received,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

const servers: Script[] = []
after(async () => {
  await Promise.all(servers.map((s) => s.close()))
})

async function withServer(
  answer: (line: string, socket: Socket) => string | undefined,
  options: NutClientOptions = {},
): Promise<{ client: NutClient; script: Script }> {
  const script = await scriptedServer(answer)
  servers.push(script)
  const client = await NutClient.connect({ host: '127.0.0.1', port: script.port, ...options })
  return { client, script }
}

/** A small upsd look-alike for the happy paths. */
function upsdLike(line: string): string | undefined {
  const words = line.split(' ')
  const [verb, sub, ups, name] = words
  if (verb === 'GET' && sub === 'VAR') {
    if (ups?.toLowerCase() !== 'dummy') return 'ERR UNKNOWN-UPS'
    if (name?.toLowerCase() === 'ups.status') return `VAR ${ups} ${name} "OL CHRG"`
    return 'ERR VAR-NOT-SUPPORTED'
  }
  if (line === 'LIST VAR dummy') {
    return 'BEGIN LIST VAR DUMMY\nVAR dummy a.b "1"\nVAR DUMMY c.d "x \\"y\\" \\# z"\nEND LIST VAR dummy'
  }
  if (line === 'LIST UPS') return 'BEGIN LIST UPS\nUPS dummy "Test"\nEND LIST UPS'
  if (line === 'GET TYPE dummy ups.id') return 'TYPE dummy ups.id RW STRING:16'
  if (line === 'GET TYPE dummy x.y') return 'TYPE dummy x.y RW ENUM NUMBER'
  if (line === 'LIST RANGE dummy r.r')
    return 'BEGIN LIST RANGE dummy r.r\nRANGE dummy r.r "5" "40x"\nEND LIST RANGE dummy r.r'
  if (line === 'GET NUMLOGINS dummy') return 'NUMLOGINS dummy 2'
  if (verb === 'USERNAME' || verb === 'PASSWORD') return 'OK'
  if (line === 'SET TRACKING ON') return 'OK'
  if (verb === 'SET' && sub === 'VAR') return 'OK TRACKING 0A1B'
  if (verb === 'INSTCMD') return 'OK'
  if (line === 'PRIMARY dummy') return 'ERR UNKNOWN-COMMAND'
  if (line === 'MASTER dummy') return 'OK MASTER-GRANTED'
  if (line === 'LOGOUT') return 'OK Goodbye'
  return 'ERR UNKNOWN-COMMAND'
}

describe('NutClient', () => {
  test('pipelined requests are answered in order', async () => {
    const { client, script } = await withServer(upsdLike)
    const results = await Promise.all([
      client.getVar('dummy', 'ups.status'),
      client.listVars('dummy'),
      client.getVar('DUMMY', 'UPS.STATUS'),
      client.listUps(),
      client.getNumLogins('dummy'),
    ])
    assert.deepEqual(results, [
      'OL CHRG',
      [
        { name: 'a.b', value: '1' },
        { name: 'c.d', value: 'x "y" # z' },
      ],
      'OL CHRG',
      [{ name: 'dummy', description: 'Test' }],
      2,
    ])
    assert.equal(script.received.length, 5)
    assert.equal(await client.logout(), 'OK Goodbye')
    assert.equal(script.received.at(-1), 'LOGOUT')
    client.destroy()
  })

  test('ERR replies reject with NutServerError and keep the connection', async () => {
    const { client } = await withServer(upsdLike)
    const error = await client.getVar('nosuch', 'ups.status').catch((e: unknown) => e)
    assert.ok(error instanceof NutServerError)
    assert.equal(error.word, 'UNKNOWN-UPS')
    assert.equal(error.line, 'ERR UNKNOWN-UPS')
    assert.equal(libupsclientMessage(error), 'Unknown UPS')
    assert.equal(await client.getVar('dummy', 'ups.status'), 'OL CHRG')
    client.destroy()
  })

  test('types, ranges, set, instcmd, primary falls back to MASTER', async () => {
    const { client, script } = await withServer(upsdLike)
    assert.deepEqual(await client.getType('dummy', 'ups.id'), {
      flags: ['RW', 'STRING:16'],
      rw: true,
      enum: false,
      range: false,
      kind: 'string',
      maxLength: 16,
    })
    const enumType = await client.getType('dummy', 'x.y')
    assert.equal(enumType.enum, true)
    assert.equal(enumType.kind, 'number')
    assert.deepEqual(await client.listRange('dummy', 'r.r'), [{ min: 5, max: 40 }])
    await client.authenticate('admin', 'two words')
    assert.deepEqual(await client.setVar('dummy', 'ups.id', 'a "b"'), {
      reply: 'OK TRACKING 0A1B',
      trackingId: '0A1B',
    })
    assert.deepEqual(await client.instcmd('dummy', 'load.off', '5'), { reply: 'OK' })
    assert.equal(await client.primary('dummy'), 'MASTER')
    assert.deepEqual(script.received.slice(-6), [
      'USERNAME admin',
      'PASSWORD "two words"',
      'SET VAR dummy ups.id "a \\"b\\""',
      'INSTCMD dummy load.off 5',
      'PRIMARY dummy',
      'MASTER dummy',
    ])
    client.destroy()
  })

  test('a reply that does not echo the query is a protocol violation', async () => {
    const { client, script } = await withServer((line) =>
      line.startsWith('GET VAR') ? 'VAR other ups.status "OL"' : 'OK',
    )
    const first = client.getVar('dummy', 'ups.status').catch((e: unknown) => e)
    const second = client.username('x').catch((e: unknown) => e)
    const error = await first
    assert.ok(error instanceof NutClientError)
    assert.equal(error.code, 'NS_CLIENT_PROTOCOL')
    // The second reply may already have arrived; either it resolved or it was cut off.
    const other = await second
    assert.ok(
      other === undefined || (other instanceof NutClientError && other.code === 'NS_CLIENT_CLOSED'),
    )
    assert.equal(client.closed, true)
    await waitUntil(() => script.sockets.every((s) => s.destroyed || s.readableEnded))
  })

  test('a list item that does not echo, or a bad BEGIN, ends the connection', async () => {
    const { client } = await withServer((line) =>
      line === 'LIST VAR a' ? 'BEGIN LIST VAR a\nVAR b x "1"\nEND LIST VAR a' : 'BEGIN LIST NOPE',
    )
    const error = await client.listVars('a').catch((e: unknown) => e)
    assert.ok(error instanceof NutClientError && error.code === 'NS_CLIENT_PROTOCOL')
    const again = await client.listUps().catch((e: unknown) => e)
    assert.ok(again instanceof NutClientError && again.code === 'NS_CLIENT_PROTOCOL')
  })

  test('END LIST must be upper case; a lower-case end is just a wrong item', async () => {
    const { client } = await withServer(() => 'BEGIN LIST UPS\nend list UPS\nEND LIST UPS')
    const error = await client.listUps().catch((e: unknown) => e)
    assert.ok(error instanceof NutClientError && error.code === 'NS_CLIENT_PROTOCOL')
  })

  test('a request that gets no reply times out, and no timer is left behind', async () => {
    const clock = new ManualClock()
    let answered = 0
    const { client, script } = await withServer(
      (line) => (line === 'GET VAR a b' && answered++ === 0 ? 'VAR a b "1"' : undefined),
      { clock, timeoutMs: 500 },
    )
    assert.equal(await client.getVar('a', 'b'), '1')
    assert.equal(clock.pendingCount(), 0)
    const silent = client.getVar('a', 'silent').catch((e: unknown) => e)
    const queued = client.getVar('a', 'b').catch((e: unknown) => e)
    await waitUntil(() => script.received.length >= 3)
    clock.advance(499)
    assert.equal(client.closed, false)
    clock.advance(1)
    const error = await silent
    assert.ok(error instanceof NutClientError && error.code === 'NS_CLIENT_TIMEOUT')
    const other = await queued
    assert.ok(other instanceof NutClientError && other.code === 'NS_CLIENT_CLOSED')
    assert.equal(clock.pendingCount(), 0)
    assert.equal(libupsclientMessage(error), 'Server disconnected')
  })

  test('the server closing mid-request rejects with NS_CLIENT_CLOSED', async () => {
    const { client } = await withServer((_line, socket) => {
      socket.end()
      return undefined
    })
    let closedWith: unknown = 'not yet'
    client.onClose((e) => {
      closedWith = e
    })
    const error = await client.getVar('a', 'b').catch((e: unknown) => e)
    assert.ok(error instanceof NutClientError && error.code === 'NS_CLIENT_CLOSED')
    assert.ok(closedWith instanceof NutClientError)
    const later = await client.getVar('a', 'b').catch((e: unknown) => e)
    assert.ok(later instanceof NutClientError && later.code === 'NS_CLIENT_CLOSED')
  })

  test('unsolicited lines: a violation by default, delivered when a listener is set', async () => {
    const { client, script } = await withServer((line) => (line === 'PING' ? 'OK' : undefined))
    const seen: string[] = []
    client.setUnsolicitedListener((line) => seen.push(line.raw))
    script.sockets[0]?.write('NOTIFY dummy ups.status "OB"\n')
    await waitUntil(() => seen.length === 1)
    assert.deepEqual(seen, ['NOTIFY dummy ups.status "OB"'])
    client.setUnsolicitedListener(undefined)
    script.sockets[0]?.write('SURPRISE\n')
    await waitUntil(() => client.closed)
  })

  test('the push filter takes its lines even while requests are pending', async () => {
    const { client, script } = await withServer((line) =>
      line === 'GET VAR a b' ? 'PUSH a b "2"\nVAR a b "1"' : undefined,
    )
    const pushed: string[][] = []
    client.setPushFilter({
      matches: (line) => line.words[0] === 'PUSH',
      deliver: (line) => pushed.push(line.words),
    })
    assert.equal(await client.getVar('a', 'b'), '1')
    assert.deepEqual(pushed, [['PUSH', 'a', 'b', '2']])
    assert.equal(script.received.length, 1)
    client.destroy()
  })

  test('an over-long reply line ends the connection', async () => {
    const { client } = await withServer(() => `VAR a b "${'x'.repeat(2000)}"`, {
      maxLineLength: 1024,
    })
    const error = await client.getVar('a', 'b').catch((e: unknown) => e)
    assert.ok(error instanceof NutClientError && error.code === 'NS_CLIENT_PROTOCOL')
  })

  test('GET TRACKING results and waiting on a tracking id', async () => {
    let polls = 0
    const clock = new ManualClock()
    const { client } = await withServer(
      (line) => {
        if (line === 'GET TRACKING') return 'ON'
        if (line === 'GET TRACKING ID1') return ++polls < 3 ? 'PENDING' : 'ERR UNKNOWN'
        if (line === 'GET TRACKING ID2') return 'ERR FEATURE-NOT-CONFIGURED'
        return undefined
      },
      { clock },
    )
    assert.equal(await client.getTrackingMode(), true)
    const waiting = client.waitForTracking('ID1', { timeoutMs: 5000, intervalMs: 1000 })
    await waitUntil(() => polls === 1 && clock.pendingCount() === 1)
    clock.advance(1000)
    await waitUntil(() => polls === 2 && clock.pendingCount() === 1)
    clock.advance(1000)
    assert.equal(await waiting, 'ERR UNKNOWN')
    const error = await client.getTracking('ID2').catch((e: unknown) => e)
    assert.ok(error instanceof NutServerError && error.word === 'FEATURE-NOT-CONFIGURED')
    client.destroy()
  })

  test('requests with control characters are refused before sending', async () => {
    const { client, script } = await withServer(upsdLike)
    const error = await client.setVar('dummy', 'ups.id', 'a\nLOGOUT').catch((e: unknown) => e)
    assert.ok(error instanceof NutClientError)
    assert.equal(script.received.length, 0)
    client.destroy()
  })

  test('connection refused and unknown hosts', async () => {
    const script = await scriptedServer(() => undefined)
    const port = script.port
    await script.close()
    const refused = await NutClient.connect({ host: '127.0.0.1', port }).catch((e: unknown) => e)
    assert.ok(refused instanceof NutClientError && refused.code === 'NS_CLIENT_CONNECT')
    assert.equal(refused.systemCode, 'ECONNREFUSED')
    assert.equal(libupsclientMessage(refused), 'Connection failure: Connection refused')
    const unknown = await NutClient.connect({ host: 'no-such-host.invalid' }).catch(
      (e: unknown) => e,
    )
    assert.ok(unknown instanceof NutClientError && unknown.code === 'NS_CLIENT_CONNECT')
    assert.equal(libupsclientMessage(unknown), 'No such host')
  })
})

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

test('quit() sends LOGOUT and closes without waiting', async () => {
  const { client, script } = await withServer(() => undefined)
  const pending = client.getVar('a', 'b').catch((e: unknown) => e)
  client.quit()
  const error = await pending
  assert.ok(error instanceof NutClientError && error.code === 'NS_CLIENT_CLOSED')
  await waitUntil(() => script.received.includes('LOGOUT'))
  await waitUntil(() => script.sockets[0]?.readableEnded === true)
  assert.equal(client.closed, true)
})

test('any bytes from the server, then a close, settle every request with a typed outcome', async () => {
  let reply: Uint8Array = new Uint8Array()
  const script = await scriptedServer((_line, socket) => {
    socket.end(reply) // then close, so that nothing waits for a timeout
    return undefined
  })
  servers.push(script)
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
      reply = bytes
      const client = await NutClient.connect({
        host: '127.0.0.1',
        port: script.port,
        timeoutMs: 200,
      })
      const settled = await Promise.allSettled([
        client.getVar('a', 'b'),
        client.listVars('a'),
        client.getTracking('x'),
      ])
      for (const result of settled) {
        if (result.status === 'rejected') {
          assert.ok(
            result.reason instanceof NutClientError || result.reason instanceof NutServerError,
            String(result.reason),
          )
        }
      }
      client.destroy()
    }),
    { numRuns: 30 },
  )
})
