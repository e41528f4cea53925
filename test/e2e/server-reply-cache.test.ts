import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { describe, it } from 'node:test'
import { defaultServerLimits } from '../../src/config/types.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { createNutServer } from '../../src/server/nut-server.ts'

/** One connection; `ask` sends a line and resolves with the next reply line. */
async function open(port: number): Promise<{ ask(line: string): Promise<string>; socket: Socket }> {
  const socket = connect({ port, host: '127.0.0.1' })
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.setEncoding('utf8')
  let text = ''
  let wake: (() => void) | undefined
  socket.on('data', (chunk: string) => {
    text += chunk
    wake?.()
  })
  return {
    socket,
    async ask(line) {
      socket.write(`${line}\n`)
      while (!text.includes('\n')) await new Promise<void>((resolve) => (wake = resolve))
      const reply = text.slice(0, text.indexOf('\n'))
      text = text.slice(text.indexOf('\n') + 1)
      return reply
    },
  }
}

describe('GET VAR replies remembered by the server', () => {
  it('always answer what the store holds now, as each client spelled it', async () => {
    const store = new DeviceStore()
    const device = store.add('ups')
    device.setValue('ups.status', 'OL')
    device.setCommState('ok')
    const server = createNutServer({
      store,
      users: [],
      server: {
        listen: [{ host: '127.0.0.1', port: 0 }],
        maxAgeMs: 15_000,
        trackingDelayMs: 60_000,
        statePath: '/tmp',
        limits: defaultServerLimits,
      },
    })
    await server.start()
    const client = await open(server.addresses()[0]?.port as number)
    try {
      const get = 'GET VAR ups ups.status'
      assert.equal(await client.ask(get), 'VAR ups ups.status "OL"')
      assert.equal(await client.ask(get), 'VAR ups ups.status "OL"')
      assert.equal(await client.ask('get var UPS Ups.Status'), 'VAR UPS Ups.Status "OL"')
      device.setValue('ups.status', 'OB "LB"')
      assert.equal(await client.ask(get), 'VAR ups ups.status "OB \\"LB\\""')
      device.latchFsd()
      assert.equal(await client.ask(get), 'VAR ups ups.status "FSD OB \\"LB\\""')
      device.setCommState('stale')
      assert.equal(await client.ask(get), 'ERR DATA-STALE')
      device.setCommState('ok')
      assert.equal(await client.ask('GET VAR ups no.such'), 'ERR VAR-NOT-SUPPORTED')
      device.setValue('no.such', 'now')
      assert.equal(await client.ask('GET VAR ups no.such'), 'VAR ups no.such "now"')
      store.remove('ups')
      assert.equal(await client.ask(get), 'ERR UNKNOWN-UPS')
    } finally {
      client.socket.destroy()
      await server.stop()
    }
  })
})
