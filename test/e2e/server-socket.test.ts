import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { defaultServerLimits } from '../../src/config/types.ts'
import type { CommandFamily } from '../../src/server/commands/types.ts'
import {
  LineClient,
  type RunningServer,
  sampleStore,
  startTestServer,
  testServerConfig,
} from '../helpers/nut-server-fixture.ts'

/** A reply line upsd could have sent (first line of a reply). */
const wellFormed =
  /^(OK( .*)?|ERR [A-Z-]+|BEGIN LIST .*|VAR .*|TYPE .*|DESC .*|CMDDESC .*|UPSDESC .*|NUMLOGINS .*|ON|OFF|PENDING|SUCCESS|1\.3|Network UPS Tools .*|Commands: .*)$/

describe('NUT server over sockets', () => {
  let running: RunningServer

  before(async () => {
    const { store } = sampleStore()
    running = await startTestServer({
      store,
      server: testServerConfig({
        listen: [
          { host: '127.0.0.1', port: 0 },
          { host: '::1', port: 0 },
        ],
      }),
    })
  })
  after(() => running.stop())

  it('listens on IPv4 and IPv6 and lists clients by address', async () => {
    const addresses = running.server.addresses()
    assert.deepEqual(
      addresses.map((a) => a.host),
      ['127.0.0.1', '::1'],
    )
    const v4 = await LineClient.connect(addresses[0]!.port, '127.0.0.1')
    const v6 = await LineClient.connect(addresses[1]!.port, '::1')
    for (const client of [v4, v6]) {
      assert.equal(await client.request('USERNAME mons'), 'OK')
      assert.equal(await client.request('PASSWORD secpass'), 'OK')
      assert.equal(await client.request('LOGIN dummy'), 'OK')
    }
    const list = await v4.request('LIST CLIENT dummy')
    assert.match(list, /CLIENT dummy 127\.0\.0\.1/)
    assert.match(list, /CLIENT dummy ::1/)
    assert.equal(await v6.request('GET NUMLOGINS dummy'), 'NUMLOGINS dummy 2')
    v6.close()
    // The count drops when the connection goes, LOGOUT or not.
    for (let i = 0; i < 100; i++) {
      if ((await v4.request('GET NUMLOGINS dummy')) === 'NUMLOGINS dummy 1') break
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    assert.equal(await v4.request('GET NUMLOGINS dummy'), 'NUMLOGINS dummy 1')
    v4.close()
  })

  it('answers pipelined requests in order', async () => {
    const client = await LineClient.connect(running.port)
    const lines: string[] = []
    for (let i = 0; i < 300; i++) {
      lines.push(
        i % 3 === 0 ? 'GET VAR dummy ups.status' : i % 3 === 1 ? 'LIST CMD dummy' : 'NETVER',
      )
    }
    client.send(`${lines.join('\n')}\n`)
    for (let i = 0; i < 300; i++) {
      const reply = await client.readReply()
      if (i % 3 === 0) assert.equal(reply, 'VAR dummy ups.status "OL CHRG"')
      else if (i % 3 === 1) assert.match(reply, /^BEGIN LIST CMD dummy\n/)
      else assert.equal(reply, '1.3')
    }
    client.close()
  })

  it('accepts CRLF and lower-case commands, and closes after LOGOUT', async () => {
    const client = await LineClient.connect(running.port)
    client.send('get var dummy ups.status\r\n')
    assert.equal(await client.readReply(), 'VAR dummy ups.status "OL CHRG"')
    assert.equal(await client.request('LOGOUT'), 'OK Goodbye')
    assert.equal(await client.waitClosed(), true)
  })

  it('closes a connection whose line is too long', async () => {
    const client = await LineClient.connect(running.port)
    client.send(`GET VAR dummy ${'x'.repeat(defaultServerLimits.maxLineLength + 10)}`)
    assert.equal(await client.waitClosed(), true)
  })

  it('answers every random line with a well-formed reply or closes (property)', async () => {
    let client = await LineClient.connect(running.port)
    const words = fc.oneof(
      fc.constantFrom(
        'GET',
        'LIST',
        'SET',
        'INSTCMD',
        'VAR',
        'TYPE',
        'DESC',
        'UPS',
        'RW',
        'CMD',
        'ENUM',
        'RANGE',
        'CLIENT',
        'TRACKING',
        'USERNAME',
        'PASSWORD',
        'LOGIN',
        'FSD',
        'PRIMARY',
        'VER',
        'HELP',
        'dummy',
        'ups.status',
        'ups.id',
        '"',
        '\\',
        '#',
        '=',
      ),
      fc.string({ maxLength: 12 }),
    )
    const line = fc.oneof(
      fc.array(words, { maxLength: 6 }).map((w) => w.join(' ')),
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
    )
    await fc.assert(
      fc.asyncProperty(line, async (text) => {
        const clean = text.replaceAll('\n', ' ')
        if (client.closed) client = await LineClient.connect(running.port)
        client.socket.write(`${clean}\n`, 'latin1')
        try {
          const reply = await client.readReply(2_000)
          assert.match(reply.split('\n')[0] ?? '', wellFormed, JSON.stringify(clean))
        } catch (error) {
          // Closing is allowed (LOGOUT, STARTTLS misuse); silence is not.
          assert.equal(client.closed || (await client.waitClosed(500)), true, String(error))
        }
      }),
      { numRuns: 300 },
    )
    client.close()
  })
})

describe('NUT server limits', () => {
  it('refuses connections over the total and per-address caps', async () => {
    const { store } = sampleStore()
    const running = await startTestServer({
      store,
      server: testServerConfig({
        limits: { ...defaultServerLimits, maxConnections: 10, maxConnectionsPerAddress: 3 },
      }),
    })
    const clients = await Promise.all([1, 2, 3, 4].map(() => LineClient.connect(running.port)))
    const closed = await Promise.all(clients.map((c) => c.waitClosed(300)))
    assert.equal(closed.filter(Boolean).length, 1)
    const open = clients.filter((c) => !c.closed)
    for (const c of open) assert.equal(await c.request('NETVER'), '1.3')
    for (const c of clients) c.close()
    await running.stop()
  })

  it('closes idle connections and half-sent lines at the idle timeout', async () => {
    const { store } = sampleStore()
    const running = await startTestServer({
      store,
      server: testServerConfig({ limits: { ...defaultServerLimits, idleTimeoutMs: 200 } }),
    })
    const silent = await LineClient.connect(running.port)
    const half = await LineClient.connect(running.port)
    half.send('GET VAR dum')
    assert.equal(await silent.waitClosed(5_000), true)
    assert.equal(await half.waitClosed(5_000), true)
    await running.stop()
  })

  it('drops a client whose unread replies pass the output cap', async () => {
    const { store } = sampleStore()
    const running = await startTestServer({
      store,
      server: testServerConfig({
        limits: { ...defaultServerLimits, maxOutputQueueBytes: 64 * 1024 },
      }),
    })
    const hog = await LineClient.connect(running.port)
    hog.socket.pause()
    const burst = 'LIST VAR dummy\n'.repeat(2_000)
    for (let i = 0; i < 20 && !hog.closed; i++) {
      hog.socket.write(burst)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const probe = await LineClient.connect(running.port)
    assert.equal(await probe.request('NETVER'), '1.3')
    for (let i = 0; i < 200 && running.server.connectionCount > 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    assert.equal(running.server.connectionCount, 1)
    probe.close()
    hog.close()
    await running.stop()
  })

  it('reloads users without dropping connections', async () => {
    const { store } = sampleStore()
    const running = await startTestServer({ store })
    const client = await LineClient.connect(running.port)
    await client.request('USERNAME late')
    await client.request('PASSWORD pw')
    assert.equal(await client.request('FSD other'), 'ERR ACCESS-DENIED')
    running.server.setUsers([{ name: 'late', password: 'pw', actions: ['FSD'], instcmds: [] }])
    assert.equal(await client.request('FSD other'), 'OK FSD-SET')
    client.close()
    await running.stop()
  })
})

describe('NUT server command families', () => {
  it('takes an extension family whose commands push lines later and see the close', async () => {
    let closed = 0
    const family: CommandFamily = {
      TICK: {
        needsCredentials: false,
        run(args, { connection }) {
          const count = Number(args[0] ?? '1')
          for (let i = 1; i <= count; i++) setTimeout(() => connection.send(`TICK ${i}\n`), 5 * i)
          connection.onClose(() => {
            closed++
          })
          return { text: 'OK TICKING\n' }
        },
      },
    }
    const running = await startTestServer({ store: sampleStore().store, commands: [family] })
    const client = await LineClient.connect(running.port)
    assert.equal(await client.request('tick 3'), 'OK TICKING')
    assert.deepEqual(
      [await client.readLine(), await client.readLine(), await client.readLine()],
      ['TICK 1', 'TICK 2', 'TICK 3'],
    )
    assert.equal(await client.request('GET VAR dummy ups.status'), 'VAR dummy ups.status "OL CHRG"')
    client.close()
    for (let i = 0; i < 100 && closed === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10))
    assert.equal(closed, 1)
    await running.stop()
  })
})
