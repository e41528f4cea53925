import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { closeSync, constants, openSync, readSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { memoryLogger } from '../../../test/helpers/memory-log.ts'
import { systemClock } from '../../core/clock.ts'
import { HelperSocketPowerRoad } from './helper-socket.ts'
import { InitctlPowerRoad } from './initctl.ts'
import { openPowerRoad } from './select.ts'

describe('openPowerRoad (monitor.powerRoad)', () => {
  it('leaves the command road to the monitor and builds the others', async () => {
    const { log } = memoryLogger()
    assert.equal(await openPowerRoad({ road: 'command' }, { log, clock: systemClock }), undefined)
    const socket = await openPowerRoad({ road: 'helper-socket' }, { log, clock: systemClock })
    assert.ok(socket?.road instanceof HelperSocketPowerRoad)
    await socket.close()
  })

  it('opens the initctl FIFO at once, so the descriptor is held before privileges go', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-select-'))
    const fifo = join(dir, 'initctl')
    execFileSync('mkfifo', ['-m', '0600', fifo])
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK)
    try {
      const { log } = memoryLogger()
      const opened = await openPowerRoad(
        { road: 'initctl', path: fifo, sleepTime: 2 },
        { log, clock: systemClock },
      )
      assert.ok(opened?.road instanceof InitctlPowerRoad)
      assert.equal(opened.road.isOpen, true)
      await opened.road.shutdown()
      const bytes = new Uint8Array(512)
      assert.equal(readSync(reader, bytes), 384)
      assert.deepEqual([...bytes.subarray(8, 16)], [0x30, 0, 0, 0, 2, 0, 0, 0])
      await opened.close()
    } finally {
      closeSync(reader)
      await rm(dir, { recursive: true, force: true })
    }
  })
})
