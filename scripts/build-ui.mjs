#!/usr/bin/env node
// Builds the dashboard into dist/ui/ at build time (never at run time): one esbuild
// bundle of ui/app.ts with Preact, plus the page and its stylesheet.
import { copyFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'dist', 'ui')
mkdirSync(out, { recursive: true })
await build({
  entryPoints: [join(root, 'ui', 'app.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
})
for (const file of ['index.html', 'app.css']) copyFileSync(join(root, 'ui', file), join(out, file))
