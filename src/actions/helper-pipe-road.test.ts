import assert from 'node:assert/strict'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { silentLogger } from '../core/log.ts'
import { FrameReader } from '../protocol/helper-pipe/frame-reader.ts'
import { powerRoadFromSpec } from './helper-pipe-road.ts'

describe('the helper-pipe power road', () => {
  it('writes one frame per request on its descriptor, and nothing for RULE notices', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-road-'))
    const path = join(dir, 'pipe')
    const fd = openSync(path, 'w')
    try {
      const road = powerRoadFromSpec(`helper-pipe:${fd}`, silentLogger())
      const [channel] = road.notifyChannels
      assert.equal(channel?.name, 'EXEC')
      await channel?.deliver({ type: 'ONBATT', ups: 'ups@localhost', text: 'ignored here' })
      await channel?.deliver({ type: 'RULE', ups: 'ups', text: 'not a NUT type' })
      await road.shutdownPort.writePowerDownFlag()
      await road.shutdownPort.shutdown()
      assert.equal(await road.shutdownPort.hibernate(), true)
      closeSync(fd)
      const requests = new FrameReader().push(new Uint8Array(readFileSync(path)))
      assert.deepEqual(requests, [
        { kind: 'notify', notifyType: 'ONBATT', name: 'ups@localhost' },
        { kind: 'power', request: 'powerdown-flag', name: '' },
        { kind: 'power', request: 'shutdown', name: '' },
        { kind: 'power', request: 'hibernate', name: '' },
      ])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses a spec it does not know', () => {
    assert.throws(() => powerRoadFromSpec('logind', silentLogger()), /helper-pipe:FD/)
  })
})
