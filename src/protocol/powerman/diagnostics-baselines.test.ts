import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { diagnosticCatalogue } from './diagnostics.ts'
import { loadPowermanText } from './load.ts'
import type { IncludeReader } from './parser.ts'
import { renderDiagnostics } from './render.ts'

/**
 * Baselines as in the rules suite: every broken file in test/fixtures/powerman/broken has
 * its rendered diagnostics in `<file>.errors.txt`. `UPDATE_BASELINES=1 npm test --
 * powerman/diagnostics` rewrites them; review the diff. A first line
 * `# nutshell-test: dialect 2.3` holds the file to Debian's powerman 2.3.27.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url))
const dir = join(root, 'test/fixtures/powerman/broken')
const update = process.env['UPDATE_BASELINES'] === '1'
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.dev') || f.endsWith('.conf'))
  .sort()

/** Includes are read from the fixture folder and named as written, so baselines are portable. */
const readInclude: IncludeReader = (path) => {
  const file = join(dir, path)
  return existsSync(file)
    ? { name: path, text: readFileSync(file, 'latin1') }
    : { error: 'no such file' }
}

describe('powerman diagnostic baselines', () => {
  it('has at least 40 broken files', () => {
    assert.ok(cases.length >= 40, `only ${cases.length} cases`)
  })

  for (const file of cases) {
    it(file, () => {
      const text = readFileSync(join(dir, file), 'latin1')
      const dialect = text.startsWith('# nutshell-test: dialect 2.3') ? '2.3' : '2.4'
      const loaded = loadPowermanText(file, text, { readInclude, dialect })
      assert.ok(loaded.diagnostics.length > 0, `${file} should produce a diagnostic`)
      const rendered = renderDiagnostics(loaded.sources, loaded.diagnostics)
      const baseline = join(dir, `${file}.errors.txt`)
      if (update || !existsSync(baseline)) writeFileSync(baseline, rendered)
      assert.equal(rendered, readFileSync(baseline, 'utf8'))
    })
  }

  it('covers every syntax and meaning code but the regex hook', () => {
    const seen = new Set(
      cases.flatMap((f) =>
        [...readFileSync(join(dir, `${f}.errors.txt`), 'utf8').matchAll(/ (PM\d{4}):/g)].map(
          (m) => m[1],
        ),
      ),
    )
    const missing = Object.keys(diagnosticCatalogue).filter((c) => !seen.has(c) && c !== 'PM2020')
    assert.deepEqual(missing, [])
  })
})

describe('powerman diagnostic catalogue and docs', () => {
  it('docs/scripts.md lists every code', () => {
    const docs = readFileSync(join(root, 'docs/scripts.md'), 'utf8')
    const missing = Object.keys(diagnosticCatalogue).filter((code) => !docs.includes(code))
    assert.deepEqual(missing, [])
  })
})
