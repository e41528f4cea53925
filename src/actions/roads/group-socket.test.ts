import assert from 'node:assert/strict'
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { memoryLogger } from '../../../test/helpers/memory-log.ts'
import { run } from '../../../test/helpers/processes.ts'
import { systemClock } from '../../core/clock.ts'
import { encodeFrame } from '../../protocol/helper-pipe/frame-encode.ts'
import type { PowerRequest } from '../../protocol/helper-pipe/frame-types.ts'
import { startGroupSocket } from './group-socket.ts'
import { HelperSocketPowerRoad } from './helper-socket.ts'
import { gidOf, uidOf } from './peer-credentials.ts'

// A client as another user: connects, sends the bytes given in hex, prints what came back.
const clientScript = `
import { connect } from 'node:net'
const socket = connect(process.argv[2])
let said = false
const say = (text) => { if (!said) { said = true; console.log(text) } }
socket.on('connect', () => socket.write(Buffer.from(process.argv[3], 'hex')))
socket.on('data', (d) => { say('reply ' + d.toString('hex')); socket.destroy() })
socket.on('error', (e) => say('error ' + e.code))
socket.on('close', () => say('closed'))
`

const frameHex = (request: PowerRequest) => {
  const frame = encodeFrame({ kind: 'power', request, name: '' })
  assert.ok(frame.ok)
  return Buffer.from(frame.bytes).toString('hex')
}

describe('group-locked helper socket (root:group 0660, peer uid checked)', () => {
  let dir = ''
  let client = ''
  let nobody = 0
  let nogroup = 0
  let nut = 0

  before(async () => {
    assert.equal(process.getuid?.(), 0, 'these tests start clients as other users: run as root')
    dir = await mkdtemp(join(tmpdir(), 'ns-gsock-'))
    await chmod(dir, 0o755)
    client = join(dir, 'client.mjs')
    await writeFile(client, clientScript, { mode: 0o644 })
    nobody = (await uidOf('nobody')) ?? -1
    nogroup = (await gidOf('nogroup')) ?? -1
    nut = (await uidOf('nut')) ?? -1
    assert.ok(nobody > 0 && nogroup > 0 && nut > 0, 'accounts nobody, nogroup and nut exist')
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const serve = async (allowed: number[]) => {
    const path = join(dir, `helper-${allowed.join('-')}.sock`)
    const log = memoryLogger()
    const requests: string[] = []
    const server = await startGroupSocket({
      log: log.log,
      path,
      gid: nogroup,
      allowedUids: allowed,
      carryOut: async (request) => {
        requests.push(request)
        return request !== 'suspend'
      },
    })
    return { path, log, requests, server }
  }
  const asUser = async (user: string, path: string, hex: string) => {
    const result = await run('runuser', ['-u', user, '--', process.execPath, client, path, hex])
    return result.stdout.trim()
  }

  it('is root-owned, of the monitor group, mode 0660', async () => {
    const { path, server } = await serve([nobody])
    const info = await stat(path)
    assert.equal(info.isSocket(), true)
    assert.equal(info.mode & 0o777, 0o660)
    assert.deepEqual([info.uid, info.gid], [0, nogroup])
    await server.stop()
  })

  it('refuses a group member whose uid is not configured (nobody, only nut allowed)', async () => {
    const { path, log, requests, server } = await serve([nut])
    // Closed without an answer (a reset when the frame was still unread).
    assert.match(await asUser('nobody', path, frameHex('shutdown')), /^(closed|error ECONNRESET)$/)
    assert.deepEqual(requests, [])
    assert.match(
      log.text(),
      new RegExp(`refused a connection from uid ${nobody} \\(not a configured user\\)`),
    )
    await server.stop()
  })

  it('accepts the configured user (nobody) and carries out its shutdown frame', async () => {
    const { path, requests, server } = await serve([nobody])
    assert.equal(await asUser('nobody', path, frameHex('shutdown')), 'reply 06')
    assert.equal(await asUser('nobody', path, frameHex('suspend')), 'reply 15')
    assert.deepEqual(requests, ['shutdown', 'suspend'])
    await server.stop()
  })

  it('keeps out a user outside the group by the file mode alone (nut: EACCES)', async () => {
    const { path, requests, server } = await serve([nobody, nut])
    assert.equal(await asUser('nut', path, frameHex('shutdown')), 'error EACCES')
    assert.deepEqual(requests, [])
    await server.stop()
  })

  it('reads a valid frame after garbage, and answers a notify frame with NAK', async () => {
    const { path, requests, server } = await serve([nobody])
    const garbage = 'ff00414243020202'
    assert.equal(await asUser('nobody', path, garbage + frameHex('hibernate')), 'reply 06')
    const notify = encodeFrame({ kind: 'notify', notifyType: 'ONBATT', name: 'ups' })
    assert.ok(notify.ok)
    assert.equal(
      await asUser('nobody', path, Buffer.from(notify.bytes).toString('hex')),
      'reply 15',
    )
    assert.deepEqual(requests, ['hibernate'])
    await server.stop()
  })

  it('throttles a client that floods frames: a few carried out, the rest refused', async () => {
    const { path, requests, server } = await serve([0])
    const flood = new Uint8Array(Buffer.from(frameHex('shutdown').repeat(10), 'hex'))
    const replies = await new Promise<number[]>((resolve) => {
      const socket = connect(path)
      const got: number[] = []
      socket.on('connect', () => socket.write(flood))
      socket.on('data', (chunk: Buffer) => {
        got.push(...chunk)
        if (got.length === 10) {
          socket.destroy()
          resolve(got)
        }
      })
    })
    assert.equal(replies.filter((b) => b === 0x06).length, 4)
    assert.equal(replies.filter((b) => b === 0x15).length, 6)
    assert.equal(requests.length, 4)
    await server.stop()
  })

  it('the client road: requests answered, and a missing helper reported', async () => {
    const { path, requests, server } = await serve([0])
    const log = memoryLogger()
    const road = new HelperSocketPowerRoad({ log: log.log, clock: systemClock, path })
    await road.writePowerDownFlag()
    await road.shutdown()
    assert.equal(await road.hibernate(), true)
    assert.equal(await road.suspend(), false)
    assert.deepEqual(requests, ['powerdown-flag', 'shutdown', 'hibernate', 'suspend'])
    assert.match(log.text(), /the helper did not carry out 'suspend'/)
    await server.stop()
    await road.shutdown()
    assert.match(log.text(), /cannot reach the helper socket .*is the helper running/)
  })
})
