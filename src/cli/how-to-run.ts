/**
 * How the person who started nutshell can run it again from where they are, for commands
 * printed to copy (the demo's `upsc` line). `nutshell` when it is on the PATH (npm link,
 * npm install -g .); `npx nutshell` inside the checkout (npx runs the checkout's own bin);
 * else the command line that is running now, which works from the same directory.
 */
import { accessSync, constants, readFileSync } from 'node:fs'
import { delimiter, dirname, join, relative, resolve } from 'node:path'

export interface RunContext {
  /** PATH, split on the platform's delimiter. */
  path: string | undefined
  cwd: string
  /** process.argv[1]: the entry point that is running. */
  script: string
  /** Node's own options of this run (`--import tsx` when run from source). */
  execArgv: readonly string[]
}

export function currentContext(): RunContext {
  return {
    path: process.env['PATH'],
    cwd: process.cwd(),
    script: process.argv[1] ?? '',
    execArgv: process.execArgv,
  }
}

/** The words to type for `nutshell`, e.g. `npx nutshell`. */
export function nutshellCommand(context: RunContext = currentContext()): string {
  if (findOnPath('nutshell', context.path) !== undefined) return 'nutshell'
  // The entry point is ROOT/src/cli/main.ts (from source) or ROOT/dist/cli/main.js.
  const root = resolve(dirname(context.script), '..', '..')
  if (isCheckout(root) && !relative(root, context.cwd).startsWith('..')) return 'npx nutshell'
  return ['node', ...context.execArgv, resolve(context.script)].map(quote).join(' ')
}

/** The full path of `program` on PATH, if it is there and executable. */
export function findOnPath(program: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, program)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

function isCheckout(root: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      name?: unknown
    }
    return manifest.name === 'nutshell'
  } catch {
    return false
  }
}

function quote(path: string): string {
  return /^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`
}
