import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { DriverSocketServer } from '../../src/server/driver-socket/server.ts'

/** Sends `payload`, then DUMPALL, and returns everything received up to DUMPDONE. */
function exchange(path: string, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path })
    let received = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no DUMPDONE; got ${JSON.stringify(received.slice(-200))}`))
    }, 5000)
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      received += chunk
      if (received.includes('DUMPDONE\n')) {
        clearTimeout(timer)
        socket.destroy()
        resolve(received)
      }
    })
    socket.on('error', reject)
    socket.on('connect', () => {
      socket.write(payload, 'latin1')
      // A garbage line without LF would swallow our DUMPALL: end it first.
      socket.write('\nDUMPALL\n')
    })
  })
}

describe('driver socket server under garbage', () => {
  it('survives any bytes and still answers DUMPALL', async () => {
    const base = await mkdtemp(join(tmpdir(), 'ns-dsf-'))
    const store = new DeviceStore()
    const device = store.add('ups')
    device.setValue('ups.status', 'OL')
    device.setCommState('ok')
    device.attachController({
      setVariable: async () => 'SUCCESS',
      instantCommand: async () => 'ERR UNKNOWN',
    })
    const server = new DriverSocketServer({ store, statePath: base, maxLineLength: 256 })
    await server.start()
    try {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
          const reply = await exchange(
            server.socketPath('ups'),
            Buffer.from(bytes).toString('latin1'),
          )
          assert.match(reply, /SETINFO ups\.status "OL"\nDATAOK\nDUMPDONE\n$/)
        }),
        { numRuns: 60 },
      )
      const long = await exchange(server.socketPath('ups'), 'A'.repeat(100_000))
      assert.match(long, /DUMPDONE\n$/)
    } finally {
      await server.stop()
      await rm(base, { recursive: true, force: true })
    }
  })
})
