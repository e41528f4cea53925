/**
 * The dashboard's files, built by `npm run build` (scripts/build-ui.mjs) into dist/ui/
 * and read once at start: nothing is built or fetched at run time, and the page makes no
 * request to another host (its Content-Security-Policy says so too).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface StaticFile {
  body: Buffer
  type: string
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
}

/** dist/ui beside the compiled dist/web, or (running from src/ under tsx) the built one. */
export function uiDirectory(): string | undefined {
  for (const relative of ['../ui/', '../../dist/ui/']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url))
    if (existsSync(join(dir, 'index.html'))) return dir
  }
  return undefined
}

export function loadStaticFiles(dir: string | undefined): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>()
  if (dir === undefined) return files
  for (const name of readdirSync(dir)) {
    const type = types[extname(name)]
    if (type === undefined) continue
    files.set(name, { body: readFileSync(join(dir, name)), type })
  }
  return files
}

export const contentSecurityPolicy =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
