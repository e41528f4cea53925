import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs a program to completion with a timeout, collecting its output. */
export async function run(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<RunResult> {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d
  })
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d
  })
  // A child that exits before reading its input must not crash the test with EPIPE.
  child.stdin.on('error', () => {})
  child.stdin.end(options.input ?? '')
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000)
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null]
  clearTimeout(timer)
  return { code, signal, stdout, stderr }
}

/**
 * Long-running children started by a test. `stopAll` ends them (SIGTERM, then SIGKILL)
 * and waits, so no test leaves a daemon behind.
 */
export class ProcessGroup {
  private readonly children: Array<{ child: ChildProcess; name: string; output: string[] }> = []

  start(
    name: string,
    command: string,
    args: readonly string[],
    env?: NodeJS.ProcessEnv,
  ): ChildProcess {
    const child = spawn(command, args, {
      env: env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const output: string[] = []
    child.stdout?.setEncoding('utf8').on('data', (d: string) => output.push(d))
    child.stderr?.setEncoding('utf8').on('data', (d: string) => output.push(d))
    this.children.push({ child, name, output })
    return child
  }

  /** Everything a child printed so far, for failure messages. */
  outputOf(name: string): string {
    return this.children.find((c) => c.name === name)?.output.join('') ?? ''
  }

  async stop(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const entry = this.children.find((c) => c.name === name)
    if (entry !== undefined) await stopChild(entry.child, signal)
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.children.map((c) => stopChild(c.child, 'SIGTERM')))
  }
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}
