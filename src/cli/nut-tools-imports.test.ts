import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

/**
 * `nutshell upsc` must start fast (issue 2: under 250 ms from start to exit), so its static
 * import graph stays small: no logger, no YAML, no schema library, and no TLS or child
 * processes unless a server actually offers STARTTLS (tls.ts is imported dynamically).
 */
const here = dirname(fileURLToPath(import.meta.url))
const forbidden = ['pino', 'yaml', 'zod', 'node:tls', 'node:child_process']

function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const found: string[] = []
  // `import … from '…'` and `export … from '…'`, but not `import type` (erased) nor import().
  for (const match of text.matchAll(/^(?:import|export)\s+(?!type\s)[^'"]*?from\s+'([^']+)'/gm)) {
    if (match[1] !== undefined) found.push(match[1])
  }
  for (const match of text.matchAll(/^import\s+'([^']+)'/gm)) {
    if (match[1] !== undefined) found.push(match[1])
  }
  return found
}

function graph(entry: string): Set<string> {
  const seen = new Set<string>()
  const todo = [entry]
  while (todo.length > 0) {
    const file = todo.pop() as string
    if (seen.has(file)) continue
    seen.add(file)
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec))
      else seen.add(spec)
    }
  }
  return seen
}

test('nutshell upsc loads no heavy module at start-up', () => {
  const modules = graph(join(here, 'commands', 'upsc.ts'))
  for (const name of forbidden) assert.ok(!modules.has(name), `upsc imports ${name}`)
  const local = [...modules].filter((m) => m.startsWith('/'))
  assert.ok(local.length <= 20, `upsc loads ${local.length} of our modules: ${local.join(', ')}`)
})
