/**
 * A corpus of broken configuration files (test/fixtures/config/broken; YAML cases end in
 * `.yaml.case` so that the linter leaves them alone) and the exact
 * diagnostics each must produce (`<case>.expected`), as `nutshell config check` prints them. Regenerate after a deliberate change
 * with UPDATE_BASELINES=1 and review the diff.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'
import { renderDiagnostic, sortDiagnostics } from '../protocol/nut-config/index.ts'
import { checkConfig } from './load.ts'

const corpus = new URL('../../test/fixtures/config/broken/', import.meta.url).pathname
const update = process.env['UPDATE_BASELINES'] === '1'

function sourceOf(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

function cases(): { name: string; target: string }[] {
  return readdirSync(corpus)
    .filter((name) => !name.endsWith('.expected'))
    .sort()
    .map((name) => {
      const path = join(corpus, name)
      if (!statSync(path).isDirectory()) return { name, target: path }
      const [file] = readdirSync(path)
      return { name, target: join(path, file as string) }
    })
}

describe('broken config corpus', () => {
  const all = cases()
  it('has at least 35 cases', () => assert.ok(all.length >= 35, String(all.length)))

  for (const c of all) {
    it(c.name, async () => {
      const result = await checkConfig(c.target, { env: {}, system: { permissions: false } })
      const text = sortDiagnostics(result.diagnostics)
        .map((d) => renderDiagnostic({ ...d, file: relative(corpus, d.file) }, sourceOf(d.file)))
        .join('\n\n')
      const expectedFile = join(corpus, `${c.name}.expected`)
      if (update) writeFileSync(expectedFile, `${text}\n`)
      assert.equal(`${text}\n`, readFileSync(expectedFile, 'utf8'))
      assert.ok(result.diagnostics.length > 0, 'a broken file gives at least one diagnostic')
    })
  }
})
