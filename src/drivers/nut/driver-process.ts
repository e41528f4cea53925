import { type ChildProcess, spawn } from 'node:child_process'
import type { Clock, TimerHandle } from '../../core/clock.ts'
import type { Logger } from '../../core/log.ts'
import { RateLimitedLog } from '../../core/log.ts'

export interface DriverProcessOptions {
  /** Full path of the driver binary, e.g. /lib/nut/usbhid-ups. */
  program: string
  /** The ups.conf section to run (`-a NAME`). */
  ups: string
  /** `-u USER`: the user the driver drops to when started as root. */
  user?: string
  /** NUT_CONFPATH for the driver (where it reads ups.conf). */
  confPath: string
  /** NUT_STATEPATH (and NUT_ALTPIDPATH unless the environment sets one). */
  statePath: string
  clock: Clock
  /** Bound to the device: lines do not repeat its name. */
  log: Logger
  /** Restart delay after a death; doubles after each quick death (defaults 500 ms .. 30 s). */
  restartMinMs?: number
  restartMaxMs?: number
  /** A driver that dies sooner than this after its start counts as a quick death (3 s). */
  quickDeathMs?: number
  /** Extra environment (tests). */
  env?: NodeJS.ProcessEnv
}

const outputTailLines = 10

/**
 * Runs one NUT C driver as upsdrvctl would (`<driver> -a <ups>`, NUT_CONFPATH and
 * NUT_STATEPATH in its environment), but kept in the foreground (`-F`, which 2.8.0's
 * drivers accept) so that nutshell sees it die and restarts it with backoff.
 */
export class DriverProcess {
  private readonly options: DriverProcessOptions
  private readonly limiter: RateLimitedLog
  private child: ChildProcess | undefined
  private running = false
  private restartTimer: TimerHandle | undefined
  private delay: number
  private startedAt = 0
  private tail: string[] = []
  /** How many times the driver was started (for tests and status). */
  starts = 0

  constructor(options: DriverProcessOptions) {
    this.options = options
    this.limiter = new RateLimitedLog(options.clock, 1, 60_000)
    this.delay = options.restartMinMs ?? 500
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.spawnChild()
  }

  async stop(): Promise<void> {
    this.running = false
    this.restartTimer?.cancel()
    const child = this.child
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const killer = this.options.clock.setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    killer.cancel()
  }

  private args(): string[] {
    const args = ['-a', this.options.ups, '-F']
    if (this.options.user !== undefined) args.push('-u', this.options.user)
    return args
  }

  private spawnChild(): void {
    const { options } = this
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...options.env,
      NUT_CONFPATH: options.confPath,
      NUT_STATEPATH: options.statePath,
    }
    if (env['NUT_ALTPIDPATH'] === undefined) env['NUT_ALTPIDPATH'] = options.statePath
    this.tail = []
    this.startedAt = options.clock.now()
    this.starts++
    let child: ChildProcess
    try {
      child = spawn(options.program, this.args(), { env, stdio: ['ignore', 'pipe', 'pipe'] })
    } catch (error) {
      this.onExit(undefined, null, String(error))
      return
    }
    this.child = child
    const keep = (data: Buffer): void => {
      for (const line of data.toString('utf8').split('\n')) {
        if (line.trim() === '') continue
        this.tail.push(line.slice(0, 300))
        if (this.tail.length > outputTailLines) this.tail.shift()
        options.log.debug({ output: line.slice(0, 300) }, 'driver output')
      }
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    child.on('error', (error) => this.onExit(child, null, error.message))
    child.on('exit', (code, signal) => this.onExit(child, code, signal ?? undefined))
    options.log.debug({ pid: child.pid, args: this.args() }, 'driver started')
  }

  private onExit(child: ChildProcess | undefined, code: number | null, why?: string): void {
    if (child !== undefined && child !== this.child) return
    this.child = undefined
    if (!this.running) return
    const { options } = this
    const ran = options.clock.now() - this.startedAt
    const quick = ran < (options.quickDeathMs ?? 3000)
    if (!quick) this.delay = options.restartMinMs ?? 500
    const fields = { exitCode: code, signal: why, ranMs: Math.round(ran) }
    // A driver that keeps failing at start is worth a warning (rarely); one killed after
    // running a while is an outage the state-socket link already logs.
    if (quick && this.limiter.allow(`quick-${options.ups}`) >= 0) {
      options.log.warn(
        { ...fields, code: 'NS_DRIVER_FAILED', output: this.tail },
        'NUT driver failed to start; retrying',
      )
    } else {
      options.log.debug(fields, 'NUT driver exited; restarting')
    }
    const delay = this.delay
    if (quick) this.delay = Math.min(options.restartMaxMs ?? 30_000, this.delay * 2)
    this.restartTimer = options.clock.setTimeout(() => {
      if (this.running) this.spawnChild()
    }, delay)
  }
}
