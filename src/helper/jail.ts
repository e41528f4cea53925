/**
 * The jail the helper starts its child in (docs/privilege.md): bubblewrap when present
 * (read-only root, private /tmp, own PID and IPC namespaces, network shared, no
 * capabilities, killed with its parent, own session), and always Node's permission model
 * (reads: the installed code, the state directory and the files the child's
 * configuration names; writes: the state directory; no child processes, no workers).
 * Pure: it only builds the command line. Tests run probe scripts in exactly this jail.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface JailPlan {
  /** bwrap's path, or undefined to run under the permission model only. */
  bwrap: string | undefined
  node: string
  /** The installed package (dist/ and node_modules/): readable. */
  codeDir: string
  /** The one writable directory (and where the child's configuration is). */
  stateDir: string
  /** Further files or directories the child reads. */
  reads: readonly string[]
  /** The script the child runs, then its arguments. */
  script: string
  args: readonly string[]
}

export const defaultBwrap = '/usr/bin/bwrap'

export function jailCommand(plan: JailPlan): { command: string; argv: string[] } {
  const reads = [plan.codeDir, plan.stateDir, ...plan.reads]
  const node = [
    '--experimental-permission',
    ...reads.map((p) => `--allow-fs-read=${p}`),
    `--allow-fs-write=${plan.stateDir}`,
    plan.script,
    ...plan.args,
  ]
  if (plan.bwrap === undefined) return { command: plan.node, argv: node }
  // /tmp is private in the jail: what the child needs from the host's /tmp is bound in.
  const underTmp = (p: string) => p === '/tmp' || p.startsWith('/tmp/')
  const binds = reads
    .filter((p) => underTmp(p) && p !== plan.stateDir)
    .flatMap((p) => ['--ro-bind', p, p])
  const argv = [
    ...'--ro-bind / / --dev /dev --proc /proc --tmpfs /tmp'.split(' '),
    ...binds,
    ...['--bind', plan.stateDir, plan.stateDir],
    ...'--unshare-pid --unshare-ipc --die-with-parent --new-session --cap-drop ALL --'.split(' '),
    plan.node,
    ...node,
  ]
  return { command: plan.bwrap, argv }
}

/** The package root (where package.json is) of the running code, source or built. */
export function packageRoot(from = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from)
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}

/** The built entry point the child runs: the permission model needs plain JavaScript. */
export function builtEntry(root = packageRoot()): string {
  return join(root, 'dist', 'cli', 'main.js')
}
