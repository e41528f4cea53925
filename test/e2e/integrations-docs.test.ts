/** Every YAML example in docs/integrations.md and docs/notifications.md is a valid config. */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parseYamlConfig } from '../../src/config/yaml-load.ts'

/** The ```yaml blocks of a markdown text, with the line each starts on. */
function yamlBlocks(markdown: string): Array<{ line: number; text: string }> {
  const blocks: Array<{ line: number; text: string }> = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```yaml') continue
    let end = i + 1
    while (end < lines.length && !(lines[end] as string).startsWith('```')) end++
    blocks.push({ line: i + 2, text: `${lines.slice(i + 1, end).join('\n')}\n` })
    i = end
  }
  return blocks
}

for (const doc of ['integrations.md', 'notifications.md']) {
  const text = readFileSync(new URL(`../../docs/${doc}`, import.meta.url), 'utf8')
  describe(`docs/${doc} examples`, () => {
    for (const block of yamlBlocks(text)) {
      it(`the YAML at line ${block.line} loads without a diagnostic`, () => {
        const r = parseYamlConfig(block.text, `${doc}:${block.line}`, {})
        assert.deepEqual(r.diagnostics, [])
        assert.ok(r.ok)
      })
    }
  })
}
