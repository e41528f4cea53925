import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { hasErrors } from './diagnostics.ts'
import { dryRun, formatDryRun, parseScenario } from './dry-run.ts'
import { loadRulesText } from './load.ts'
import { renderDiagnostics } from './source.ts'
import { upsschedToRules } from './upssched.ts'

/**
 * Every example in docs/rules.md is run: `rules example=X` blocks are replayed over the
 * `seq example=X` timeline and must print the `text example=X` block exactly; a
 * `rules check=X` block must give exactly the diagnostics of the `text check=X` block;
 * every other `rules` block must check without errors; `upssched example=X` must import
 * to the `rules import=X` block.
 */
const docs = readFileSync(fileURLToPath(new URL('../../docs/rules.md', import.meta.url)), 'utf8')
const blocks = [...docs.matchAll(/^```(\w+)([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({
  lang: m[1] as string,
  attrs: Object.fromEntries(
    [...(m[2] ?? '').matchAll(/(\w[\w-]*)=([\w-]+)/g)].map((a) => [a[1] as string, a[2] as string]),
  ),
  body: m[3] as string,
}))

function find(lang: string, key: string, name: string): string | undefined {
  return blocks.find((b) => b.lang === lang && b.attrs[key] === name)?.body
}

describe('docs/rules.md examples', () => {
  const rulesBlocks = blocks.filter((b) => b.lang === 'rules')
  it('has examples', () => {
    assert.ok(rulesBlocks.filter((b) => b.attrs['example'] !== undefined).length >= 8)
  })

  for (const [i, block] of rulesBlocks.entries()) {
    const checked = block.attrs['check']
    if (checked !== undefined) {
      it(`${checked}: rules check prints the diagnostics shown`, () => {
        const expected = find('text', 'check', checked)
        assert.ok(expected !== undefined, `check ${checked} needs a text check=${checked} block`)
        const loaded = loadRulesText(`${checked}.rules`, block.body)
        assert.equal(renderDiagnostics(loaded.source, loaded.diagnostics), expected)
      })
      continue
    }
    const name = block.attrs['example'] ?? block.attrs['import'] ?? `block ${i + 1}`
    it(`${name} checks without errors`, () => {
      const loaded = loadRulesText(`${name}.rules`, block.body)
      assert.ok(
        !hasErrors(loaded.diagnostics),
        renderDiagnostics(loaded.source, loaded.diagnostics),
      )
    })
    const example = block.attrs['example']
    if (example === undefined) continue
    it(`${example} dry-runs to the output shown`, () => {
      const seq = find('seq', 'example', example)
      const expected = find('text', 'example', example)
      assert.ok(
        seq !== undefined && expected !== undefined,
        `example ${example} needs seq and text blocks`,
      )
      const scenario = parseScenario(seq)
      assert.deepEqual(scenario.problems, [])
      const loaded = loadRulesText(`${example}.rules`, block.body)
      assert.equal(formatDryRun(dryRun([loaded], scenario.steps)), expected)
    })
  }

  for (const block of blocks.filter((b) => b.lang === 'upssched')) {
    const name = block.attrs['example'] as string
    it(`upssched ${name} imports to the rules shown`, () => {
      const result = upsschedToRules('upssched.conf', block.body)
      assert.deepEqual(result.diagnostics, [])
      const withoutHeader = result.text.replace(/^(#[^\n]*\n)+\n?/, '')
      assert.equal(withoutHeader, find('rules', 'import', name))
    })
  }
})
