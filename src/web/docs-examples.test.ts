import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parseYamlConfig } from '../config/yaml-load.ts'
import { hashToken, verifyPassword } from './auth/password.ts'

const doc = readFileSync(new URL('../../docs/web.md', import.meta.url), 'utf8')

/** The fenced blocks of the page, with their language and first line. */
function fencedBlocks(markdown: string): { lang: string; line: number; text: string }[] {
  const out: { lang: string; line: number; text: string }[] = []
  for (const m of markdown.matchAll(/^```(\S*)\n([\s\S]*?)^```$/gm)) {
    const line = markdown.slice(0, m.index).split('\n').length + 1
    out.push({ lang: m[1] as string, line, text: m[2] as string })
  }
  return out
}

describe('docs/web.md', () => {
  it('every YAML example loads and turns the web face on', () => {
    const blocks = fencedBlocks(doc).filter((b) => b.lang === 'yaml')
    assert.ok(blocks.length >= 2)
    for (const block of blocks) {
      const r = parseYamlConfig(block.text, `web.md:${block.line}`, {})
      assert.ok(r.ok, `web.md:${block.line}: ${JSON.stringify(r.diagnostics)}`)
      if (r.ok) assert.ok(r.value.web !== undefined)
    }
  })

  it("the first example's hashes are real: password 'secret', token 'test'", async () => {
    const [first] = fencedBlocks(doc).filter((b) => b.lang === 'yaml')
    const r = parseYamlConfig(first?.text ?? '', 'web.md', {})
    assert.ok(r.ok)
    if (!r.ok) return
    const web = r.value.web
    assert.deepEqual(web?.listen, { host: '127.0.0.1', port: 8080 })
    assert.equal(await verifyPassword('secret', web?.users[0]?.password ?? ''), true)
    assert.equal(web?.tokens[0]?.hash, hashToken('test'))
  })

  it('refuses a plain-text password and a bad address, with advice', () => {
    const r = parseYamlConfig(
      'web:\n  listen: "nope:port"\n  auth:\n    users:\n      - { name: a, password: plain, role: admin }\n',
      'bad.yaml',
      {},
    )
    assert.equal(r.ok, false)
    const text = JSON.stringify(r.diagnostics)
    assert.match(text, /hash-password/)
    assert.match(text, /host:port/)
  })
})
