import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

/**
 * `nutshell serve` on a NUT directory stays small: neither the YAML reader nor the schema
 * library is reachable from it through static imports (they are loaded with import() only
 * for a YAML config). Type-only imports are erased and do not count.
 */
const src = fileURLToPath(new URL('../', import.meta.url))

function staticPackages(entry: string): Set<string> {
  const packages = new Set<string>()
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/^(?:import|export)(?!\s+type\b)[^'"]*?from '([^']+)'/gm)) {
      const target = m[1] as string
      if (target.startsWith('.')) visit(join(dirname(file), target))
      else if (!target.startsWith('node:')) packages.add(target)
    }
  }
  visit(entry)
  return packages
}

describe('lazy loading of the YAML reader', () => {
  it('serve and monitor reach neither yaml nor zod statically', () => {
    for (const command of ['serve', 'monitor', 'upsd']) {
      const packages = staticPackages(join(src, 'cli/commands', `${command}.ts`))
      assert.ok(!packages.has('yaml'), `${command} imports yaml statically`)
      assert.ok(!packages.has('zod'), `${command} imports zod statically`)
    }
  })

  it('serve, monitor and upsd reach no web framework statically (web: loads it on use)', () => {
    for (const command of ['serve', 'monitor', 'upsd']) {
      const packages = staticPackages(join(src, 'cli/commands', `${command}.ts`))
      assert.ok(!packages.has('fastify'), `${command} imports fastify statically`)
      assert.ok(!packages.has('preact'), `${command} imports preact statically`)
    }
    assert.ok(staticPackages(join(src, 'web/server.ts')).has('fastify'))
  })

  it('the YAML reader does use both (the test sees imports)', () => {
    const packages = staticPackages(join(src, 'config/yaml-load.ts'))
    assert.ok(packages.has('yaml') && packages.has('zod'))
  })
})
