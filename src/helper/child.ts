/**
 * Starts the jailed child as the service user (all supplementary groups dropped: Node
 * clears them when uid and gid are given; no capabilities: a non-root uid after exec has
 * none), with the helper's end of the pipe on its fd 3, and restarts it with backoff when
 * it dies. Each child gets a fresh frame reader: half a frame from a dead child never
 * joins the next one's bytes.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import { type Clock, sleep } from '../core/clock.ts'
import type { Logger } from '../core/log.ts'
import { FrameReader } from '../protocol/helper-pipe/frame-reader.ts'
import type { FrameRequest } from '../protocol/helper-pipe/frame-types.ts'

export interface ChildOptions {
  command: string
  argv: string[]
  env: NodeJS.ProcessEnv
  uid: number | undefined
  gid: number | undefined
  clock: Clock
  log: Logger
  onRequest: (request: FrameRequest) => void
  /** Called when a child exits; false: do not restart (the shutdown has run). */
  restartAfterExit: () => boolean
}

export interface Supervisor {
  readonly current: ChildProcess | undefined
  /** Resolves when no child will be started again. */
  readonly done: Promise<void>
  stop(): void
}

const minBackoffMs = 1_000
const maxBackoffMs = 60_000
/** A child that ran this long was healthy: the next restart waits the minimum again. */
const healthyMs = 60_000

export function superviseChild(options: ChildOptions): Supervisor {
  let current: ChildProcess | undefined
  let stopped = false
  let backoff = minBackoffMs
  const { log, clock } = options

  const runOnce = (): Promise<{ code: number | null; signal: string | null }> => {
    const identity = options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? 0 }
    const child = spawn(options.command, options.argv, {
      stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
      env: options.env,
      ...identity,
    })
    current = child
    const reader = new FrameReader()
    const pipe = child.stdio[3] as Readable | null
    pipe?.on('data', (chunk: Uint8Array) => {
      for (const request of reader.push(chunk)) options.onRequest(request)
    })
    pipe?.on('error', () => undefined)
    return new Promise((resolve) => {
      child.once('error', (error) => {
        log.error({ err: error }, 'cannot start the child')
        resolve({ code: null, signal: null })
      })
      child.once('exit', (code, signal) => {
        if (reader.totalResets > 0)
          log.warn({ resets: reader.resets, frames: reader.framesRead }, 'the child sent garbage')
        resolve({ code, signal })
      })
    })
  }

  const loop = async (): Promise<void> => {
    while (!stopped) {
      const started = clock.now()
      const exit = await runOnce()
      current = undefined
      if (stopped || !options.restartAfterExit()) return
      if (clock.now() - started >= healthyMs) backoff = minBackoffMs
      log.warn(
        { code: exit.code, signal: exit.signal, restartInMs: backoff },
        `the child exited; restarting it in ${backoff / 1000} s`,
      )
      await sleep(clock, backoff)
      backoff = Math.min(maxBackoffMs, backoff * 2)
    }
  }

  const done = loop()
  return {
    get current() {
      return current
    },
    done,
    stop() {
      stopped = true
      current?.kill('SIGTERM')
    },
  }
}
