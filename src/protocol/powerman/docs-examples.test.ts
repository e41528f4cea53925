import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { loadPowermanText } from './load.ts'
import { renderDiagnostics } from './render.ts'

/** Every ```powerman example in docs/scripts.md loads without a diagnostic. */
const docs = readFileSync(
  fileURLToPath(new URL('../../../docs/scripts.md', import.meta.url)),
  'utf8',
)
const examples = [...docs.matchAll(/```powerman\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')

describe('docs/scripts.md examples', () => {
  it('has examples', () => assert.ok(examples.length >= 2))
  for (const [i, text] of examples.entries())
    it(`example ${i + 1} loads cleanly`, () => {
      // Includes are left unread: the example names Debian's installed files.
      const loaded = loadPowermanText(`example-${i + 1}`, text)
      assert.equal(
        loaded.diagnostics.length,
        0,
        renderDiagnostics(loaded.sources, loaded.diagnostics),
      )
    })
})
