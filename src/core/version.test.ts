import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { nutshellVersion, versionAbove } from './version.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }

describe('nutshellVersion', () => {
  it("is package.json's version", () => {
    assert.equal(nutshellVersion, pkg.version)
  })

  it('is found from wherever a build or bundle puts the module', () => {
    for (const dir of ['dist/core', 'node_modules/.cache/nutshell-bench', 'src']) {
      assert.equal(versionAbove(join(root, dir)), pkg.version, dir)
    }
  })

  it("skips another package's package.json and says 'unknown' when there is none", () => {
    // node_modules/pino has its own package.json; the walk goes on past it.
    assert.equal(versionAbove(join(root, 'node_modules', 'pino')), pkg.version)
    assert.equal(versionAbove('/'), 'unknown')
  })
})
