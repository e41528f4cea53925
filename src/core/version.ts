/**
 * nutshell's release number and the NUT release it follows, each written in one place.
 * nutshell's own number lives in package.json (what `npm version` changes); it is read
 * once, here, so `nutshell --version`, the tools' `-V` and the server's `VER` text never
 * drift apart.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The NUT release whose protocol and behaviour nutshell follows (`server.version`). */
export const nutVersion = '2.8.0'

/** nutshell's release, from its package.json. */
export const nutshellVersion = versionAbove(dirname(fileURLToPath(import.meta.url)))

/**
 * The version in the nearest package.json named nutshell at or above `start`. Walked up to
 * because this module sits at a different depth in the sources (src/core), the build
 * (dist/core) and a bundle (the benchmarks'). A copy without its package.json still runs,
 * and says so in its version.
 */
export function versionAbove(start: string): string {
  let dir = start
  for (;;) {
    const version = versionIn(join(dir, 'package.json'))
    if (version !== undefined) return version
    const parent = dirname(dir)
    if (parent === dir) return 'unknown'
    dir = parent
  }
}

function versionIn(path: string): string | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed !== 'object' || parsed === null) return undefined
    const { name, version } = parsed as { name?: unknown; version?: unknown }
    return name === 'nutshell' && typeof version === 'string' ? version : undefined
  } catch {
    return undefined
  }
}
