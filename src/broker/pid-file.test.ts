import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { readPidFile, removePidFile, writePidFile } from './pid-file.ts'

describe('PID file', () => {
  it('keeps a process id, refuses junk and says what to do when it is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-pid-'))
    try {
      const pid = join(dir, 'm.pid')
      await writePidFile(pid, 4242)
      assert.equal(await readPidFile(pid), 4242)
      await writeFile(pid, 'junk')
      await assert.rejects(readPidFile(pid), /does not hold a process id/)
      await assert.rejects(readPidFile(join(dir, 'none')), /is the monitor running/)
      await assert.rejects(
        readPidFile(join(dir, 'none'), 'nutshell upsd'),
        /is nutshell upsd running/,
      )
      await removePidFile(pid)
      await removePidFile(pid)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
