import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { closeSync, constants, openSync, readSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { memoryLogger } from '../../../test/helpers/memory-log.ts'
import { InitctlPowerRoad } from './initctl.ts'

/** The request for runlevel 0, written out byte by byte (little-endian C ints). */
function expectedRunlevel0(sleepTime: number): Uint8Array {
  const bytes = new Uint8Array(384)
  bytes.set([0x69, 0x19, 0x09, 0x03], 0) // INIT_MAGIC 0x03091969
  bytes.set([0x01, 0x00, 0x00, 0x00], 4) // INIT_CMD_RUNLVL
  bytes.set([0x30, 0x00, 0x00, 0x00], 8) // '0'
  bytes.set([sleepTime, 0x00, 0x00, 0x00], 12)
  return bytes
}

/** What is waiting in a FIFO's read end (non-blocking; empty when nothing). */
function drain(fd: number): Uint8Array {
  const chunks: Uint8Array[] = []
  for (;;) {
    const chunk = new Uint8Array(4096)
    let n = 0
    try {
      n = readSync(fd, chunk)
    } catch (error) {
      if ((error as { code?: string }).code === 'EAGAIN') break
      throw error
    }
    if (n === 0) break
    chunks.push(chunk.subarray(0, n))
  }
  return new Uint8Array(Buffer.concat(chunks))
}

describe('initctl power road (a FIFO at a test path)', () => {
  let dir = ''
  let fifo = ''
  const readers: number[] = []
  const reader = () => {
    const fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK)
    readers.push(fd)
    return fd
  }
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-initctl-'))
    fifo = join(dir, 'initctl')
    execFileSync('mkfifo', ['-m', '0600', fifo])
  })
  afterEach(async () => {
    for (const fd of readers.splice(0)) closeSync(fd)
    await rm(dir, { recursive: true, force: true })
  })

  it('reports ENXIO when nothing reads the FIFO', async () => {
    const log = memoryLogger()
    const road = new InitctlPowerRoad({ log: log.log, path: fifo })
    const opened = await road.open()
    assert.equal(opened.ok, false)
    assert.match(log.text(), /nothing reads .*initctl: init is not listening on it \(ENXIO\)/)
  })

  it('keeps the descriptor and writes exactly the 384-byte runlevel 0 request', async () => {
    const log = memoryLogger()
    const init = reader()
    const road = new InitctlPowerRoad({ log: log.log, path: fifo, sleepTime: 5 })
    assert.deepEqual(await road.open(), { ok: true })
    await road.shutdown()
    const got = drain(init)
    assert.equal(got.length, 384)
    assert.deepEqual(got, expectedRunlevel0(5))
    await road.close()
  })

  it('detects a re-created FIFO and writes to the new one, never the old', async () => {
    const log = memoryLogger()
    const oldInit = reader()
    const road = new InitctlPowerRoad({ log: log.log, path: fifo, sleepTime: 3 })
    assert.deepEqual(await road.open(), { ok: true })
    await rm(fifo)
    execFileSync('mkfifo', ['-m', '0600', fifo])
    const newInit = reader()
    await road.shutdown()
    assert.equal(drain(oldInit).length, 0, 'nothing written to the stale FIFO')
    assert.deepEqual(drain(newInit), expectedRunlevel0(3))
    assert.match(
      log.text(),
      /was re-created since it was opened \(init restarted\?\); reopening it/,
    )
    await road.close()
  })

  it('reports, and writes nothing, when the re-created FIFO cannot be opened or is gone', async () => {
    const log = memoryLogger()
    const oldInit = reader()
    const road = new InitctlPowerRoad({ log: log.log, path: fifo })
    assert.deepEqual(await road.open(), { ok: true })
    await rm(fifo)
    await road.shutdown()
    assert.match(log.text(), /is gone since it was opened; not writing to the old FIFO/)
    assert.match(log.text(), /does not exist: cannot reach init/)
    execFileSync('mkfifo', ['-m', '0600', fifo])
    assert.deepEqual(await road.open(), {
      ok: false,
      reason: `nothing reads ${fifo}: init is not listening on it (ENXIO)`,
    })
    await road.shutdown()
    assert.equal(drain(oldInit).length, 0)
    assert.equal(road.isOpen, false)
  })

  it('refuses a path that is not a FIFO, and cannot hibernate', async () => {
    const log = memoryLogger()
    const plain = join(dir, 'plain')
    await writeFile(plain, '')
    const road = new InitctlPowerRoad({ log: log.log, path: plain })
    const opened = await road.open()
    assert.equal(opened.ok, false)
    assert.match(log.text(), /is not a FIFO/)
    assert.equal(await road.hibernate(), false)
  })
})
