import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

/**
 * The layering of DESIGN.md, checked by reading every import line: dependencies point
 * inward, and only the composition root (src/*.ts) and cli/ wire layers together.
 * Where this table goes beyond DESIGN.md's sentence, it says why.
 */
const allowed: Record<string, readonly string[]> = {
  core: [],
  protocol: [],
  devices: ['core'],
  config: ['core', 'protocol'],
  client: ['core', 'protocol', 'config'],
  server: ['core', 'protocol', 'devices', 'config'],
  // The dummy-ups repeater mirrors a remote upsd through nutshell's own client.
  drivers: ['core', 'protocol', 'devices', 'config', 'client'],
  actions: ['core', 'config', 'devices'],
  // The monitor watches remote servers through the client and runs commands via actions.
  monitor: ['core', 'protocol', 'devices', 'config', 'client', 'actions'],
  // Notify events are derived once, in monitor/notify-events.ts, for both (issue 4).
  rules: ['core', 'protocol', 'devices', 'monitor'],
  integrations: ['core', 'protocol', 'devices', 'config', 'client'],
  web: ['core', 'protocol', 'devices', 'config'],
}

const src = fileURLToPath(new URL('../src', import.meta.url))

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false })
    .map((name) => join(dir, String(name)))
    .filter((path) => path.endsWith('.ts') && !path.endsWith('.test.ts'))
}

/** The top-level folder of src/ a path is in, or '' for src/*.ts (the composition root). */
function layerOf(path: string): string {
  const parts = relative(src, path).split(sep)
  return parts.length > 1 ? (parts[0] as string) : ''
}

describe('architecture', () => {
  it('every import points inward, as DESIGN.md lays out', () => {
    const problems: string[] = []
    for (const file of sourceFiles(src)) {
      const from = layerOf(file)
      const text = readFileSync(file, 'utf8')
      for (const match of text.matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)) {
        const target = join(file, '..', match[1] as string)
        const to = layerOf(target)
        if (to === from) continue
        const rel = relative(src, file)
        if (to === '' || to === 'cli') {
          if (from !== 'cli' && from !== '')
            problems.push(`${rel} imports the wiring (${match[1]})`)
          continue
        }
        if (from === '' || from === 'cli') continue
        const ok = allowed[from]
        if (ok === undefined) problems.push(`${rel}: folder src/${from} is not in the layer table`)
        else if (!ok.includes(to)) problems.push(`${rel} (${from}) imports ${to}: ${match[1]}`)
      }
    }
    assert.deepEqual(problems, [])
  })
})
