import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

/**
 * The layering of DESIGN.md, checked by reading every import line: dependencies point
 * inward, and only the composition root (src/broker/) and cli/ wire layers together.
 * Where this table goes beyond DESIGN.md's sentence, it says why.
 */
const allowed: Record<string, readonly string[]> = {
  core: [],
  protocol: [],
  // Notify events (pure) list their types from the NUT config vocabulary (pure as well).
  devices: ['core', 'protocol'],
  config: ['core', 'protocol'],
  client: ['core', 'protocol', 'config'],
  server: ['core', 'protocol', 'devices', 'config'],
  // The dummy-ups repeater mirrors a remote upsd through nutshell's own client.
  drivers: ['core', 'protocol', 'devices', 'config', 'client'],
  // The rules sink implements the rules' ActionSink port (rules/action-sink.ts, types); the
  // power roads speak the helper's framed pipe and sysvinit's request (protocol) and reach
  // logind through the one D-Bus adapter.
  actions: ['core', 'protocol', 'config', 'devices', 'rules', 'dbus'],
  // One small D-Bus adapter over a library (logind, UPower, notifications).
  dbus: ['core', 'protocol'],
  // The monitor watches remote servers through the client and acts through actions.
  monitor: ['core', 'protocol', 'devices', 'config', 'client', 'actions'],
  rules: ['core', 'protocol', 'devices'],
  integrations: ['core', 'protocol', 'devices', 'config', 'client'],
  // The web face shows the monitor's and the rules' live state, and reuses the NUT server's
  // login throttle, tracking table and descriptions so both faces behave alike.
  web: ['core', 'protocol', 'devices', 'config', 'server', 'monitor', 'rules'],
  // The privileged helper (its own entry point) reads its config and carries out frames
  // through the actions' runner and notify table.
  helper: ['core', 'protocol', 'devices', 'config', 'actions'],
}

const src = fileURLToPath(new URL('../src', import.meta.url))

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false })
    .map((name) => join(dir, String(name)))
    .filter((path) => path.endsWith('.ts') && !path.endsWith('.test.ts'))
}

/** The top-level folder of src/ a path is in ('' for a file directly in src/). */
function layerOf(path: string): string {
  const parts = relative(src, path).split(sep)
  return parts.length > 1 ? (parts[0] as string) : ''
}

/** The folders that wire layers together: the composition root and the commands. */
const wiring = new Set(['broker', 'cli'])

describe('architecture', () => {
  it('every import points inward, as DESIGN.md lays out', () => {
    const problems: string[] = []
    for (const file of sourceFiles(src)) {
      const from = layerOf(file)
      if (from === '') problems.push(`${relative(src, file)}: every module belongs to a folder`)
      const text = readFileSync(file, 'utf8')
      // Static imports and re-exports, and the lazy `import('...')` of parts loaded on use.
      const imports = [
        ...text.matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm),
        ...text.matchAll(/\bimport\('(\.[^']+)'\)/g),
      ]
      for (const match of imports) {
        const target = join(file, '..', match[1] as string)
        const to = layerOf(target)
        if (to === from) continue
        const rel = relative(src, file)
        if (to === '') {
          problems.push(`${rel} imports a file outside every layer (${match[1]})`)
          continue
        }
        if (wiring.has(to)) {
          // cli/ calls the assembly; nothing below calls either.
          if (!(from === 'cli' && to === 'broker'))
            problems.push(`${rel} imports the wiring (${match[1]})`)
          continue
        }
        if (wiring.has(from)) continue
        const ok = allowed[from]
        if (ok === undefined) problems.push(`${rel}: folder src/${from} is not in the layer table`)
        else if (!ok.includes(to)) problems.push(`${rel} (${from}) imports ${to}: ${match[1]}`)
      }
    }
    assert.deepEqual(problems, [])
  })
})
