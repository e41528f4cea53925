#!/usr/bin/env node
// Runs every *.test.ts under src/, test/ and bench/ with node:test through tsx.
// Node 20's --test neither expands globs nor finds .ts files, and a run that finds no
// file must fail rather than pass silently, so the list is built here.
import { existsSync, readdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { runTestsInGroup } from './process-group.mjs'

const roots = ['src', 'test']
const filter = process.argv.slice(2)
const files = roots
  .filter((root) => existsSync(root))
  .flatMap((root) =>
    readdirSync(root, { recursive: true, withFileTypes: false })
      .map((name) => join(root, String(name)))
      .filter((path) => path.endsWith('.test.ts') && !path.includes('node_modules')),
  )
  .filter((path) => filter.length === 0 || filter.some((f) => path.includes(f)))
  .sort()

if (files.length === 0) {
  console.error('test: no *.test.ts files found; refusing to report success')
  process.exit(1)
}

// The interop tests run Debian's real NUT and powerman programs; say once, plainly, how to
// get them instead of letting dozens of tests fail one by one.
const peers = ['/lib/nut/upsd', '/lib/nut/dummy-ups', '/usr/bin/upsc', '/usr/sbin/powermand']
const missing = peers.filter((p) => !existsSync(p))
if (missing.length > 0 && files.some((f) => f.startsWith('test/interop'))) {
  console.error(
    `test: missing system packages (${missing.join(', ')}); install them with: sudo apt-get install -y nut-server nut-client python3-nut powerman mosquitto socat openssl`,
  )
  process.exit(1)
}

const concurrency = Math.max(2, Math.min(4, availableParallelism() * 2))
// The run gets its own process group so that whatever a killed or crashed test leaves
// behind (a daemon it started) is ended with it, and no test may hang the run: each test
// has a time limit.
runTestsInGroup(
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=180000',
    '--test-reporter=spec',
    ...files,
  ],
  // Tests run as root: serve and monitor stay root unless a test names a user.
  { NUTSHELL_USER: 'root', ...process.env, NODE_NO_WARNINGS: '1' },
)
