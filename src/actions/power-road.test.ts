import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  clearPowerDownFlag,
  powerDownFlagSet,
  powerDownMagic,
  writePowerDownFlagFile,
} from './power-road.ts'

describe('power-down flag', () => {
  it('writes the magic fresh, replacing a planted symlink, and clears only the magic', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-flag-'))
    try {
      const flag = join(dir, 'killpower')
      const victim = join(dir, 'victim')
      await writeFile(victim, 'precious')
      await symlink(victim, flag)
      await writePowerDownFlagFile(flag)
      assert.equal(await readFile(victim, 'utf8'), 'precious')
      assert.equal(await readFile(flag, 'utf8'), powerDownMagic)
      assert.equal(await powerDownFlagSet(flag), true)
      assert.equal(await clearPowerDownFlag(flag), true)
      assert.equal(await powerDownFlagSet(flag), false)
      await writeFile(flag, 'something else')
      assert.equal(await clearPowerDownFlag(flag), false, 'not ours: left alone')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
