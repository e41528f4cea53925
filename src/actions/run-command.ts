import { spawn } from 'node:child_process'
import type { CommandSpec } from '../config/types.ts'
import type { Clock } from '../core/clock.ts'
import { describeError, NutshellError } from '../core/errors.ts'
import type { Logger } from '../core/log.ts'

/**
 * Runs NOTIFYCMD / SHUTDOWNCMD style commands safely:
 * - NUT's string form goes through `/bin/sh -c`; the extra arguments (upsmon's message) are
 *   handed to the shell as positional parameters and the command line becomes
 *   `<cmd> "$1" "$2"...`, so a message behaves exactly as upsmon's `<cmd> "<message>"`
 *   while quotes, `$` or backticks inside it can never be interpreted by the shell;
 * - the argument-list form runs the program directly, no shell, extras appended;
 * - every child has a timeout (SIGTERM to its whole process group, SIGKILL after a grace),
 *   a bound on the output kept (the rest is read and discarded so the child never blocks),
 *   and at most `maxConcurrent` run at once: the rest wait in a FIFO queue, so one command
 *   that hangs delays later ones by at most its timeout and never loses them.
 */
export interface RunRequest {
  spec: CommandSpec
  /** Positional arguments after the command (the notify message). */
  args?: readonly string[]
  /** Added to the runner's environment. */
  env?: Readonly<Record<string, string>>
  /** Overrides the runner's timeout for this child. */
  timeoutMs?: number
  /** A name for logs (e.g. `NOTIFYCMD ONBATT`). */
  label?: string
}

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Bytes of output dropped beyond the bound. */
  droppedBytes: number
  timedOut: boolean
  /** Set when the program could not be started at all. */
  spawnError?: string
  /** Why it failed (NS_CHILD_FAILED), in one line; absent when it exited 0. */
  failure?: NutshellError
}

export interface CommandRunnerOptions {
  clock: Clock
  log: Logger
  maxConcurrent?: number
  timeoutMs?: number
  /** Per stream. */
  maxOutputBytes?: number
  /** Time between SIGTERM and SIGKILL on timeout. */
  killGraceMs?: number
  /** Base environment (process.env by default). */
  env?: NodeJS.ProcessEnv
  /** Called when a child has been spawned (benchmarks measure latency to here). */
  onStart?: (request: RunRequest, pid: number | undefined) => void
}

interface Queued {
  request: RunRequest
  resolve: (result: RunResult) => void
}

export class CommandRunner {
  private readonly options: Required<Omit<CommandRunnerOptions, 'onStart' | 'env'>> & {
    env: NodeJS.ProcessEnv
    onStart: CommandRunnerOptions['onStart']
  }
  private readonly queue: Queued[] = []
  private running = 0
  private readonly idleWaiters: Array<() => void> = []

  constructor(options: CommandRunnerOptions) {
    this.options = {
      clock: options.clock,
      log: options.log,
      maxConcurrent: options.maxConcurrent ?? 4,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxOutputBytes: options.maxOutputBytes ?? 64 * 1024,
      killGraceMs: options.killGraceMs ?? 2_000,
      env: options.env ?? process.env,
      onStart: options.onStart,
    }
  }

  /** Queues the command; resolves when it has finished (never rejects). */
  run(request: RunRequest): Promise<RunResult> {
    return new Promise((resolve) => {
      this.queue.push({ request, resolve })
      this.pump()
    })
  }

  get activeCount(): number {
    return this.running
  }

  get queuedCount(): number {
    return this.queue.length
  }

  /** Resolves once nothing runs and nothing waits (tests, orderly exit). */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private pump(): void {
    while (this.running < this.options.maxConcurrent) {
      const next = this.queue.shift()
      if (next === undefined) break
      this.running++
      void this.execute(next.request).then((result) => {
        this.running--
        next.resolve(result)
        this.pump()
        if (this.running === 0 && this.queue.length === 0) {
          for (const waiter of this.idleWaiters.splice(0)) waiter()
        }
      })
    }
  }

  private execute(request: RunRequest): Promise<RunResult> {
    const { file, argv } = commandLine(request.spec, request.args ?? [])
    const env = { ...this.options.env, ...request.env }
    const label = request.label ?? file
    const limit = this.options.maxOutputBytes
    return new Promise((resolve) => {
      let child: ReturnType<typeof spawn>
      try {
        // detached: the child leads its own process group, so a timeout can end the
        // shell and everything it started, not only the shell.
        child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      } catch (error) {
        resolve(failed(label, describeError(error)))
        return
      }
      this.options.onStart?.(request, child.pid)
      const out = new BoundedText(limit)
      const err = new BoundedText(limit)
      child.stdout?.on('data', (chunk: Buffer) => out.add(chunk))
      child.stderr?.on('data', (chunk: Buffer) => err.add(chunk))
      let timedOut = false
      let killTimer: { cancel(): void } | undefined
      const timer = this.options.clock.setTimeout(() => {
        timedOut = true
        this.options.log.warn({ command: label }, 'command timed out; terminating it')
        signalGroup(child.pid, 'SIGTERM')
        killTimer = this.options.clock.setTimeout(
          () => signalGroup(child.pid, 'SIGKILL'),
          this.options.killGraceMs,
        )
      }, request.timeoutMs ?? this.options.timeoutMs)
      let settled = false
      const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: string) => {
        if (settled) return
        settled = true
        timer.cancel()
        killTimer?.cancel()
        // A background grandchild may keep the pipes open: stop reading them.
        child.stdout?.destroy()
        child.stderr?.destroy()
        if (timedOut) signalGroup(child.pid, 'SIGKILL')
        const result: RunResult = {
          code,
          signal,
          stdout: out.text(),
          stderr: err.text(),
          droppedBytes: out.dropped + err.dropped,
          timedOut,
        }
        if (spawnError !== undefined) result.spawnError = spawnError
        const failure = childFailure(label, result)
        if (failure !== undefined) {
          result.failure = failure
          this.options.log.warn(
            {
              command: label,
              code: failure.code,
              exitCode: code,
              signal,
              timedOut,
              stderr: err.text(200),
            },
            failure.message,
          )
        }
        resolve(result)
      }
      child.on('error', (error) => finish(null, null, describeError(error)))
      child.on('exit', (code, signal) => {
        // Give the pipes a moment to deliver the last output, but do not wait for a
        // grandchild that inherited them.
        const grace = this.options.clock.setTimeout(() => finish(code, signal), 100)
        child.on('close', () => {
          grace.cancel()
          finish(code, signal)
        })
      })
    })
  }
}

/** The program and argument vector for a spec. */
export function commandLine(
  spec: CommandSpec,
  args: readonly string[],
): { file: string; argv: string[] } {
  if ('shell' in spec) {
    const positional = args.map((_, i) => ` "$${i + 1}"`).join('')
    return { file: '/bin/sh', argv: ['-c', `${spec.shell}${positional}`, 'nutshell', ...args] }
  }
  const [file, ...rest] = spec.argv
  return { file: file ?? '/bin/false', argv: [...rest, ...args] }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, signal)
  } catch {
    // Already gone.
  }
}

function failed(label: string, message: string): RunResult {
  const result: RunResult = {
    code: null,
    signal: null,
    stdout: '',
    stderr: '',
    droppedBytes: 0,
    timedOut: false,
    spawnError: message,
  }
  const failure = childFailure(label, result)
  if (failure !== undefined) result.failure = failure
  return result
}

/** What went wrong with a child, as the one line a log or a person reads. */
export function childFailure(label: string, result: RunResult): NutshellError | undefined {
  let what: string
  if (result.spawnError !== undefined) what = `could not be started: ${result.spawnError}`
  else if (result.timedOut) what = 'timed out and was stopped'
  else if (result.signal !== null) what = `was killed by ${result.signal}`
  else if (result.code !== 0) what = `exited with code ${result.code}`
  else return undefined
  return new NutshellError('NS_CHILD_FAILED', `${label} ${what}`)
}

/** Keeps the first `limit` bytes of a stream and counts the rest. */
class BoundedText {
  private readonly chunks: Uint8Array[] = []
  private kept = 0
  dropped = 0
  private readonly limit: number

  constructor(limit: number) {
    this.limit = limit
  }

  add(chunk: Buffer): void {
    const room = this.limit - this.kept
    if (room <= 0) {
      this.dropped += chunk.length
      return
    }
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room)
    this.chunks.push(Uint8Array.prototype.slice.call(part))
    this.kept += part.length
    this.dropped += chunk.length - part.length
  }

  text(max?: number): string {
    const all = new TextDecoder().decode(concatBytes(this.chunks, this.kept))
    return max === undefined ? all : all.slice(0, max)
  }
}

function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const all = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.length
  }
  return all
}
