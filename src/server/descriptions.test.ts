import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { silentLogger } from '../core/log.ts'
import { defaultCmdvartabPath, loadDescriptions } from './descriptions.ts'

describe('descriptions', () => {
  it('reads a cmdvartab file, matching names without regard to case', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ns-desc-'))
    try {
      const file = join(dir, 'cmdvartab')
      writeFileSync(file, 'VARDESC ups.status "Our status"\nCMDDESC load.off "Our load off"\n')
      const descriptions = loadDescriptions(file, silentLogger())
      assert.equal(descriptions.variable('UPS.STATUS'), 'Our status')
      assert.equal(descriptions.command('Load.Off'), 'Our load off')
      assert.equal(descriptions.variable('battery.charge'), undefined)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('falls back to its own table when no cmdvartab is installed', () => {
    const descriptions = loadDescriptions('/nonexistent/cmdvartab', silentLogger())
    assert.match(descriptions.variable('ups.status') ?? '', /\w/)
    assert.match(descriptions.command('load.off') ?? '', /\w/)
  })

  it("uses Debian NUT's file when present", { skip: !existsSync(defaultCmdvartabPath) }, () => {
    assert.equal(
      loadDescriptions(defaultCmdvartabPath, silentLogger()).variable('ups.status'),
      'UPS status',
    )
  })
})
