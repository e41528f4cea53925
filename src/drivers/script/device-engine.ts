/**
 * One script-driven device, as powermand runs it (reference 1.4, 1.6): a FIFO of actions
 * run one at a time; `login` at the front after every connect, the action in progress
 * rewound behind it; one time budget per action (the specification's `timeout`, its
 * clock started when the action is first looked at, connecting included); on a timeout
 * every queued action fails, the link is torn down and re-established with back-off
 * (1, 2, 4, 8, 15, 30, 60 s...), the back-off reset when a request finds the device
 * disconnected; `ping` every `pingperiod` while connected and idle. The receive buffer
 * accumulates (leftovers can satisfy a later expect) and is capped; NUL bytes become 0xFF.
 *
 * The transport is injected (OpenLink) and every timer goes through the injected clock,
 * so tests run it against a fake link in virtual time.
 */
import type { Clock, TimerHandle } from '../../core/clock.ts'
import type { Logger } from '../../core/log.ts'
import type { PosixRegex } from '../../protocol/posix-regex/index.ts'
import type { ScriptName } from '../../protocol/powerman/ast.ts'
import { compressHostlist } from '../../protocol/powerman/hostlist.ts'
import { type Family, selectScripts } from '../../protocol/powerman/select-script.ts'
import type { SpecProgram } from './program.ts'
import { type PlugState, type RequestContext, type RunEnv, ScriptRun } from './run.ts'
import type { Link, OpenLink } from './transports/transport.ts'

export const reconnectBackoffSeconds = [1, 2, 4, 8, 15, 30, 60] as const

/** powermand's buffers grow to 64 KiB; past that, the oldest input is dropped. */
export const defaultMaxBuffer = 65_536

export interface DevicePlug {
  /** The plug name the script knows. */
  plug: string
  /** The node (host) it powers, if mapped; unmapped plugs are never targeted. */
  node: string | undefined
}

export interface EngineOptions {
  /** The device's name, in timeout messages as powermand words them. */
  name: string
  program: SpecProgram
  plugs: readonly DevicePlug[]
  open: OpenLink
  clock: Clock
  log: Logger
  /** Script selection: upstream 2.4.1+ (default) or Debian 12's 2.3.27. */
  dialect?: '2.4' | '2.3'
  maxBuffer?: number
  /** powermand -Y: every delay is instant (tests). */
  shortCircuitDelays?: boolean
}

export type LinkState = 'disconnected' | 'connecting' | 'connected' | 'ready'

export interface LinkStatus {
  state: LinkState
  /** Why the device is not ready (the last failure), if it is not. */
  reason: string | undefined
  reconnects: number
}

export interface PlugOutcome {
  state: PlugState
  /** The raw captured value (temperature, or the status text). */
  value: string | undefined
  /** For power requests: false when its action failed or a setresult said no. */
  ok: boolean
}

export interface RequestOutcome {
  /** Every action succeeded and no setresult failed. */
  ok: boolean
  /** Per targeted plug, in device order. */
  plugs: Map<string, PlugOutcome>
  /** powermand's 308 (action errors) and 309 (setresult diagnostics) lines, unnumbered. */
  errors: string[]
}

interface Connection {
  link: Link | undefined
  /** False once closed, by either side: its late events are ignored. */
  live: boolean
  openedEarly: boolean
}

interface Action {
  run: ScriptRun
  /** Plugs this action is about (failed together when it fails). */
  plugs: readonly string[]
  startedAt: number | undefined
  deadline: TimerHandle | undefined
  finish: (error: string | undefined) => void
}

export class DeviceEngine {
  readonly name: string
  private readonly options: EngineOptions
  private readonly program: SpecProgram
  private readonly env: RunEnv
  private readonly scripts: ReadonlySet<ScriptName>
  private readonly clock: Clock
  private readonly maxBuffer: number
  private queue: Action[] = []
  private connection: Connection | undefined
  private state: LinkState = 'disconnected'
  private reason: string | undefined = 'not connected yet'
  private buffer = ''
  private dropped = 0
  private backoff = 0
  private reconnects = 0
  private reconnectTimer: TimerHandle | undefined
  private connectTimer: TimerHandle | undefined
  private delayTimer: TimerHandle | undefined
  private pingTimer: TimerHandle | undefined
  private stopped = true
  private pumping = false
  private again = false
  private readonly listeners = new Set<(status: LinkStatus) => void>()

  constructor(options: EngineOptions) {
    this.options = options
    this.name = options.name
    this.program = options.program
    this.clock = options.clock
    this.maxBuffer = options.maxBuffer ?? defaultMaxBuffer
    this.scripts = new Set(options.program.scripts.keys())
    this.env = {
      plugs: options.plugs.map((p) => p.plug),
      mapped: new Set(options.plugs.filter((p) => p.node !== undefined).map((p) => p.plug)),
    }
  }

  /** The scripts the specification defines. */
  get scriptNames(): ReadonlySet<ScriptName> {
    return this.scripts
  }

  get status(): LinkStatus {
    return { state: this.state, reason: this.reason, reconnects: this.reconnects }
  }

  onStatus(listener: (status: LinkStatus) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.connect()
  }

  /** Closes the link; queued requests fail. */
  stop(): void {
    this.stopped = true
    for (const t of [this.reconnectTimer, this.connectTimer, this.delayTimer, this.pingTimer])
      t?.cancel()
    this.failAll(`${this.name}: device stopped`, `${this.name}: device stopped`)
    this.closeLink()
    this.setState('disconnected', 'stopped')
  }

  /**
   * Runs one user request (status, on, off, ...) on the given plugs, which must be mapped
   * plugs of this device. Resolves when every action it needed has ended; never rejects.
   */
  request(family: Family, plugs: readonly string[]): Promise<RequestOutcome> {
    const wanted = new Set(plugs)
    const targeted = this.env.plugs.filter((p) => wanted.has(p) && this.env.mapped.has(p))
    const unknown = plugs.filter((p) => !this.env.mapped.has(p))
    const allMappedAndTargeted =
      this.env.mapped.size === this.env.plugs.length && targeted.length === this.env.plugs.length
    const plan = selectScripts({
      family,
      scripts: this.scripts,
      targeted,
      allMappedAndTargeted,
      ...(this.options.dialect === undefined ? {} : { dialect: this.options.dialect }),
    })
    const context: RequestContext = {
      targeted: new Set(targeted),
      states: new Map(),
      failures: new Map(),
    }
    const failedPlugs = new Set<string>()
    const errors: string[] = unknown.map((p) => `${this.name}: no plug "${p}"`)
    const outcome = (): RequestOutcome => {
      const result = new Map<string, PlugOutcome>()
      for (const p of targeted) {
        const s = context.states.get(p)
        result.set(p, {
          state: s?.state ?? 'unknown',
          value: s?.value,
          ok: !failedPlugs.has(p) && !context.failures.has(p),
        })
      }
      for (const [p, text] of context.failures) errors.push(`${p}: ${text}`)
      return { ok: errors.length === 0 && failedPlugs.size === 0, plugs: result, errors }
    }
    if (plan === undefined) {
      if (targeted.length > 0) errors.push(`${this.name}: no script for ${family}`)
      return Promise.resolve(outcome())
    }
    const runs =
      plan.kind === 'singlets'
        ? plan.plugs.map((p) => ({ argument: p, target: p, ranged: undefined, plugs: [p] }))
        : plan.kind === 'ranged'
          ? [
              {
                argument: compressHostlist(plan.plugs),
                target: undefined,
                ranged: plan.plugs,
                plugs: plan.plugs,
              },
            ]
          : [{ argument: undefined, target: undefined, ranged: undefined, plugs: targeted }]
    const ops = this.program.scripts.get(plan.script) ?? []
    return new Promise((resolve) => {
      let left = runs.length
      for (const r of runs) {
        this.enqueue(
          new ScriptRun(
            {
              script: plan.script,
              ops,
              argument: r.argument,
              target: r.target,
              rangedPlugs: r.ranged,
              context,
            },
            this.env,
          ),
          r.plugs,
          (error) => {
            if (error !== undefined) {
              errors.push(error)
              for (const p of r.plugs) failedPlugs.add(p)
            }
            if (--left === 0) resolve(outcome())
          },
        )
      }
      // A request for a device waiting out its back-off reconnects it now, as powermand does.
      if (this.state === 'disconnected' && this.reconnectTimer !== undefined) {
        this.reconnectTimer.cancel()
        this.reconnectTimer = undefined
        this.backoff = 0
        this.connect()
      }
      this.pump()
    })
  }

  // ---- the queue -------------------------------------------------------------------------

  private enqueue(
    run: ScriptRun,
    plugs: readonly string[],
    finish: (error: string | undefined) => void,
    front = false,
  ): void {
    const action: Action = { run, plugs, startedAt: undefined, deadline: undefined, finish }
    if (this.stopped) {
      finish(`${this.name}: device stopped`)
      return
    }
    if (front) this.queue.unshift(action)
    else this.queue.push(action)
  }

  private pump(): void {
    if (this.pumping) {
      this.again = true
      return
    }
    this.pumping = true
    try {
      do {
        this.again = false
        this.pumpOnce()
      } while (this.again)
    } finally {
      this.pumping = false
    }
  }

  private pumpOnce(): void {
    for (;;) {
      const head = this.queue[0]
      if (head === undefined) return
      if (head.startedAt === undefined) {
        head.startedAt = this.clock.now()
        head.deadline = this.clock.setTimeout(() => this.timedOut(head), this.program.timeoutMs)
      }
      if (this.state !== 'connected' && this.state !== 'ready') return
      const result = head.run.step({
        expect: (regex) => this.expect(regex),
        send: (text) => this.write(text),
        now: () =>
          this.options.shortCircuitDelays === true ? Number.POSITIVE_INFINITY : this.clock.now(),
      })
      if (result.kind === 'blocked') return
      if (result.kind === 'delay') {
        this.delayTimer?.cancel()
        this.delayTimer = this.clock.setTimeout(
          () => {
            this.delayTimer = undefined
            this.pump()
          },
          Math.max(0, result.until - this.clock.now()),
        )
        return
      }
      this.dequeue(head)
      if (result.kind === 'done') {
        if (head.run.spec.script === 'login') this.loggedIn()
        head.finish(undefined)
      } else head.finish(`${this.name}: action timed out waiting for expected response`)
    }
  }

  private dequeue(action: Action): void {
    action.deadline?.cancel()
    const i = this.queue.indexOf(action)
    if (i >= 0) this.queue.splice(i, 1)
  }

  private expect(regex: PosixRegex): Array<string | undefined> | undefined {
    const m = regex.exec(this.buffer, { noteol: true })
    if (m === undefined) return undefined
    const groups = m.spans.map((s) =>
      s === undefined ? undefined : this.buffer.slice(s.start, s.end),
    )
    this.buffer = this.buffer.slice(m.end)
    this.dropped = 0
    return groups
  }

  private timedOut(action: Action): void {
    if (this.queue[0] !== action) return
    const first =
      this.state === 'disconnected' || this.state === 'connecting'
        ? `${this.name}: connect timeout`
        : this.state === 'connected'
          ? `${this.name}: login timeout`
          : `${this.name}: action timed out waiting for expected response`
    const others = first.endsWith('response')
      ? `${this.name}: action aborted due to previous action timeout`
      : first
    const reason = this.describeTimeout(first)
    this.options.log.warn({ script: action.run.spec.script }, reason)
    this.failAll(first, others)
    if (this.state === 'connected' || this.state === 'ready') this.drop(reason)
  }

  /** The timeout text with what the device did send, so a person sees why. */
  private describeTimeout(message: string): string {
    const parts = [message]
    if (this.dropped > 0)
      parts.push(
        `the device sent more than the receive buffer holds (${this.dropped} bytes dropped)`,
      )
    if (this.buffer.length > 0)
      parts.push(`unmatched input ${JSON.stringify(this.buffer.slice(-80))}`)
    else if (this.state === 'connected' || this.state === 'ready')
      parts.push('the device sent nothing')
    return parts.join('; ')
  }

  private failAll(first: string, others: string): void {
    const queue = this.queue
    this.queue = []
    queue.forEach((a, i) => {
      a.deadline?.cancel()
      a.finish(i === 0 ? first : others)
    })
  }

  // ---- the link --------------------------------------------------------------------------

  private connect(): void {
    if (this.stopped || this.connection !== undefined) return
    this.setState('connecting', this.reason)
    this.buffer = ''
    this.dropped = 0
    const connection: Connection = { link: undefined, live: true, openedEarly: false }
    this.connection = connection
    const opened = (): void => {
      this.connectTimer?.cancel()
      this.setState('connected', this.reason)
      this.queueLogin()
      this.pump()
    }
    const handlers = {
      opened: () => {
        if (!connection.live) return
        // A link that opens before open() has returned is handled once it has.
        if (connection.link === undefined) connection.openedEarly = true
        else opened()
      },
      data: (text: string) => {
        if (!connection.live) return
        this.receive(text)
        this.pump()
      },
      closed: (why: string) => {
        if (!connection.live) return
        connection.live = false
        this.connection = undefined
        this.lost(why)
      },
    }
    this.connectTimer = this.clock.setTimeout(() => {
      if (this.connection !== connection || this.state !== 'connecting') return
      this.drop('connect timeout')
    }, this.program.timeoutMs)
    connection.link = this.options.open(handlers)
    if (connection.live && connection.openedEarly) opened()
  }

  private write(text: string): void {
    const c = this.connection
    if (c?.live === true) c.link?.write(text)
  }

  private queueLogin(): void {
    // The action in progress starts over after login (powermand rewinds it).
    this.queue[0]?.run.rewind()
    const ops = this.program.scripts.get('login') ?? []
    const run = new ScriptRun(
      {
        script: 'login',
        ops,
        argument: undefined,
        target: undefined,
        rangedPlugs: undefined,
        context: undefined,
      },
      this.env,
    )
    this.enqueue(run, [], () => {}, true)
  }

  private loggedIn(): void {
    this.backoff = 0
    this.setState('ready', undefined)
    this.pingTimer?.cancel()
    if (this.program.pingPeriodMs > 0 && this.scripts.has('ping')) {
      this.pingTimer = this.clock.setInterval(() => this.ping(), this.program.pingPeriodMs)
    }
  }

  private ping(): void {
    if (this.state !== 'ready' || this.queue.length > 0) return
    const ops = this.program.scripts.get('ping') ?? []
    const run = new ScriptRun(
      {
        script: 'ping',
        ops,
        argument: undefined,
        target: undefined,
        rangedPlugs: undefined,
        context: undefined,
      },
      this.env,
    )
    this.enqueue(run, [], () => {})
    this.pump()
  }

  private receive(text: string): void {
    // NUL cannot be matched in powermand: it becomes 0xFF before matching.
    let data = text.includes('\0') ? text.replaceAll('\0', '\xff') : text
    if (this.buffer.length + data.length > this.maxBuffer) {
      const all = this.buffer + data
      const keep = all.slice(all.length - this.maxBuffer)
      this.dropped += all.length - keep.length
      this.buffer = keep
      data = ''
    } else this.buffer += data
  }

  /** Tears the link down (after a timeout) and reconnects with back-off. */
  private drop(reason: string): void {
    this.closeLink()
    this.lost(reason)
  }

  private lost(reason: string): void {
    this.connectTimer?.cancel()
    this.pingTimer?.cancel()
    this.delayTimer?.cancel()
    this.buffer = ''
    // Login in progress is dropped: a new one goes first after the next connect.
    if (this.queue[0]?.run.spec.script === 'login') {
      const login = this.queue[0]
      this.dequeue(login)
    }
    this.setState('disconnected', reason)
    if (this.stopped) return
    const seconds =
      reconnectBackoffSeconds[Math.min(this.backoff, reconnectBackoffSeconds.length - 1)] ?? 60
    this.backoff++
    this.options.log.info({ reason, retryInSeconds: seconds }, 'device link down; reconnecting')
    this.reconnectTimer = this.clock.setTimeout(() => {
      this.reconnectTimer = undefined
      this.reconnects++
      this.connect()
    }, seconds * 1000)
  }

  /** Closes the link on our side: its handlers no longer report. */
  private closeLink(): void {
    const c = this.connection
    this.connection = undefined
    if (c === undefined) return
    c.live = false
    c.link?.close()
  }

  private setState(state: LinkState, reason: string | undefined): void {
    if (this.state === state && this.reason === reason) return
    this.state = state
    this.reason = reason
    const status = this.status
    for (const l of this.listeners) l(status)
  }
}
