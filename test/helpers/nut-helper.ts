import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import { chmod, chown, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { builtMain, ensureBuilt, repoRoot } from './built.ts'

/** `nobody`: the child's user in the helper tests (tests run as root). */
export const nobody = { name: 'nobody', uid: 65534, gid: 65534 }

/** The built `nutshell helper ARGS`, as root, output collected. */
export class HelperProcess {
  readonly output: string[] = []
  readonly child: ChildProcess
  private constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [builtMain, 'helper', ...args], {
      env: { ...env, NUTSHELL_LOG_FORMAT: 'json' },
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child.stdout?.setEncoding('utf8').on('data', (d: string) => this.output.push(d))
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => this.output.push(d))
  }

  static async start(args: readonly string[], env: NodeJS.ProcessEnv): Promise<HelperProcess> {
    await ensureBuilt()
    return new HelperProcess(args, env)
  }

  get text(): string {
    return this.output.join('')
  }

  /** The JSON log lines whose msg starts with `prefix`. */
  logs(prefix: string): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => typeof l['msg'] === 'string' && l['msg'].startsWith(prefix))
  }

  async stop(): Promise<number | null> {
    const child = this.child
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    const [code] = (await exited) as [number | null]
    clearTimeout(timer)
    return code
  }
}

/**
 * A state directory the child (nobody) owns, under a test base directory it may traverse
 * (mkdtemp makes it 0700).
 */
export async function helperStateDir(base: string): Promise<string> {
  await chmod(base, 0o711)
  const dir = join(base, 'state')
  await mkdir(dir, { recursive: true })
  await chown(dir, nobody.uid, nobody.gid)
  return dir
}

/** Every process below `pid` (from /proc), nearest first. */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      parents.set(Number(name), ppid)
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = []
  const queue = [pid]
  while (queue.length > 0) {
    const parent = queue.shift() as number
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        out.push(child)
        queue.push(child)
      }
    }
  }
  return out
}

/** /proc/PID/status as a map of its fields. */
export function procStatus(pid: number): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const at = line.indexOf(':')
    if (at > 0) fields[line.slice(0, at)] = line.slice(at + 1).trim()
  }
  return fields
}

export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((a) => a !== '')
  } catch {
    return []
  }
}
