import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { diagnosticCatalogue } from './diagnostics.ts'
import { loadRulesText } from './load.ts'
import { renderDiagnostics } from './source.ts'

/**
 * TypeScript-style baselines: every broken file in test/fixtures/rules/errors has its
 * rendered diagnostics in `<file>.errors.txt`. `UPDATE_BASELINES=1 npm test -- baselines`
 * rewrites them; review the diff.
 */
const root = fileURLToPath(new URL('../../', import.meta.url))
const dir = join(root, 'test/fixtures/rules/errors')
const update = process.env['UPDATE_BASELINES'] === '1'
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.rules') || f.endsWith('.conf'))
  .sort()

describe('diagnostic baselines', () => {
  it('has at least 40 distinct broken files, each with an error or a warning', () => {
    assert.ok(cases.length >= 40, `only ${cases.length} cases`)
  })

  for (const file of cases) {
    it(file, () => {
      const text = readFileSync(join(dir, file), 'utf8')
      const loaded = loadRulesText(file, text)
      assert.ok(loaded.diagnostics.length > 0, `${file} should produce a diagnostic`)
      const rendered = renderDiagnostics(loaded.source, loaded.diagnostics)
      const baseline = join(dir, `${file}.errors.txt`)
      if (update || !existsSync(baseline)) writeFileSync(baseline, rendered)
      assert.equal(rendered, readFileSync(baseline, 'utf8'))
    })
  }
})

describe('diagnostic catalogue and docs', () => {
  it('docs/rules.md lists every code', () => {
    const docs = readFileSync(join(root, 'docs/rules.md'), 'utf8')
    const missing = Object.keys(diagnosticCatalogue).filter((code) => !docs.includes(code))
    assert.deepEqual(missing, [])
  })
})
