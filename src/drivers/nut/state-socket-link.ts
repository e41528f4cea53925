import { type FSWatcher, watch } from 'node:fs'
import { createConnection, type Socket } from 'node:net'
import { basename, dirname } from 'node:path'
import type { Clock, TimerHandle } from '../../core/clock.ts'
import type { Logger } from '../../core/log.ts'
import type { CommandOutcome, DeviceController } from '../../devices/command-result.ts'
import type { Device } from '../../devices/device.ts'
import {
  encodeSocketMessage,
  isDriverToServer,
  parseSocketLine,
  type ServerToDriverMessage,
  type SocketParseError,
} from '../../protocol/driver-socket.ts'
import { LineFramer, type LineSink } from '../../protocol/line-framer.ts'
import { applyStateMessage, type DumpSeen, dropUnseen } from './apply-message.ts'
import { LineBudget } from './line-budget.ts'
import { OutageLog } from './outage-log.ts'
import { PendingResults } from './pending-results.ts'
import { judge, type LinkFacts, nextDeadline, shouldPing } from './staleness.ts'

export interface StateSocketLinkOptions {
  device: Device
  /** `STATEPATH/<driver>-<ups>` */
  socketPath: string
  clock: Clock
  log: Logger
  /** upsd.conf MAXAGE (default 15 s). */
  maxAgeMs?: number
  /** How long a SET/INSTCMD waits for the driver's TRACKING answer (default 10 s). */
  commandTimeoutMs?: number
  /** Reconnection backoff bounds (defaults 100 ms .. 1 s). */
  reconnectMinMs?: number
  reconnectMaxMs?: number
  /** Longest line accepted from a driver (NUT's never exceed 512 bytes; default 4096). */
  maxLineLength?: number
  /** More lines than this in one second is a flood (default 10000). */
  maxLinesPerSecond?: number
  /** How long a driver caught sending garbage stays stale (default max(1 s, MAXAGE/3)). */
  distrustMs?: number
  /** Called when an established connection closes (the driver died or closed it). */
  onDisconnect?: () => void
}

/** Fresh dumps asked for after mangled values: at most one a second. */
const minRefreshGapMs = 1000

/**
 * A SETINFO line the tokenizer refused for what an unescaped value causes (`#` inside the
 * quotes, or a `\` before the closing quote leaving it open). Control bytes are garbage.
 */
function isSetinfo(error: SocketParseError): boolean {
  return (
    error.kind === 'syntax' &&
    error.syntax !== 'control-character' &&
    error.words[0]?.toUpperCase() === 'SETINFO'
  )
}

/** Stop writing to a driver that does not read (it is stopped or stuck). */
const maxQueuedBytes = 64 * 1024

/**
 * upsd's side of one NUT driver state socket, feeding a Device: connect (and keep trying,
 * with backoff and a watch on the state directory, so a driver that starts later is picked
 * up at once), DUMPALL with `ups.status` WAIT until the dump lands, follow the driver's
 * pushed changes, PING a quiet driver, judge staleness as upsd does, forward SET and
 * INSTCMD with TRACKING ids. Garbage and floods make the data stale; nothing a driver
 * sends can grow memory without bound or throw out of here.
 */
export class StateSocketLink implements DeviceController {
  private readonly device: Device
  private readonly socketPath: string
  private readonly clock: Clock
  private readonly maxAgeMs: number
  private readonly reconnectMinMs: number
  private readonly reconnectMaxMs: number
  private readonly distrustMs: number
  private readonly framer: LineFramer
  private readonly pending: PendingResults
  private readonly outage: OutageLog
  private readonly facts: LinkFacts = {
    connected: false,
    lastHeard: 0,
    dumpDone: false,
    dataOk: false,
    distrustedUntil: 0,
    resyncing: false,
  }
  private socket: Socket | undefined
  private running = false
  private backoff: number
  private retryTimer: TimerHandle | undefined
  private tickTimer: TimerHandle | undefined
  private deadlineTimer: TimerHandle | undefined
  private watcher: FSWatcher | undefined
  private lastPing = 0
  private needResync = false
  private resyncStartedAt = 0
  private seen: DumpSeen | undefined
  private readonly budget: LineBudget
  private lastDetail: string | undefined
  /** A dump asked for after a mangled value: its data stays trusted meanwhile. */
  private refreshing = false
  private refreshWanted = false
  private lastRefreshAt = Number.NEGATIVE_INFINITY
  private readonly onDisconnect: (() => void) | undefined
  private settleFirstAttempt: () => void = () => {}
  /**
   * Resolves once the first connection attempt has ended, connected or not, so that a
   * watcher started beside (the local monitor) reports after the link has said why.
   */
  readonly firstAttempt = new Promise<void>((resolve) => {
    this.settleFirstAttempt = resolve
  })
  private readonly sink: LineSink = {
    line: (line) => this.onLine(line),
    overflow: (length) => this.violation(`line of ${length}+ characters`),
  }

  constructor(options: StateSocketLinkOptions) {
    this.device = options.device
    this.socketPath = options.socketPath
    this.clock = options.clock
    this.maxAgeMs = options.maxAgeMs ?? 15_000
    this.reconnectMinMs = options.reconnectMinMs ?? 100
    this.reconnectMaxMs = options.reconnectMaxMs ?? 1000
    this.distrustMs = options.distrustMs ?? Math.max(1000, this.maxAgeMs / 3)
    this.framer = new LineFramer(options.maxLineLength ?? 4096)
    this.budget = new LineBudget(options.maxLinesPerSecond ?? 10_000)
    this.pending = new PendingResults(this.clock, options.commandTimeoutMs ?? 10_000)
    this.outage = new OutageLog(options.log, this.clock, {
      device: this.device.name,
      socket: this.socketPath,
    })
    this.backoff = this.reconnectMinMs
    this.onDisconnect = options.onDisconnect
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.watchStateDir()
    this.connect()
  }

  async stop(): Promise<void> {
    this.running = false
    this.retryTimer?.cancel()
    this.tickTimer?.cancel()
    this.deadlineTimer?.cancel()
    this.watcher?.close()
    this.watcher = undefined
    this.socket?.destroy()
    this.socket = undefined
    this.facts.connected = false
    this.pending.settleAll('ERR UNKNOWN')
    this.device.setCommState('lost')
    this.settleFirstAttempt()
  }

  get connected(): boolean {
    return this.facts.connected
  }

  // ---- DeviceController ------------------------------------------------------

  setVariable(name: string, value: string): Promise<CommandOutcome> {
    return this.request((tracking) => ({ type: 'SET', name, value, tracking }))
  }

  instantCommand(name: string, parameter: string | undefined): Promise<CommandOutcome> {
    return this.request((tracking) =>
      parameter === undefined
        ? { type: 'INSTCMD', name, tracking }
        : { type: 'INSTCMD', name, parameter, tracking },
    )
  }

  private async request(build: (id: string) => ServerToDriverMessage): Promise<CommandOutcome> {
    if (!this.facts.connected) return 'ERR FAILED'
    const opened = this.pending.open()
    if (opened === undefined) return 'ERR FAILED'
    if (!this.send(build(opened.id))) this.pending.settle(opened.id, 'ERR FAILED')
    return opened.outcome
  }

  // ---- connection ----------------------------------------------------------

  private connect(): void {
    if (!this.running || this.socket !== undefined) return
    this.retryTimer?.cancel()
    this.retryTimer = undefined
    const socket = createConnection({ path: this.socketPath })
    this.socket = socket
    socket.setEncoding('utf8')
    socket.on('connect', () => this.onConnect(socket))
    socket.on('data', (chunk: string) => this.onData(socket, chunk))
    socket.on('error', (error) => {
      this.lastDetail = error.message
    })
    socket.on('close', () => this.onClose(socket))
  }

  private onConnect(socket: Socket): void {
    if (socket !== this.socket) return
    this.settleFirstAttempt()
    const now = this.clock.now()
    Object.assign(this.facts, {
      connected: true,
      lastHeard: now,
      dumpDone: false,
      dataOk: false,
      distrustedUntil: 0,
      resyncing: false,
    })
    this.framer.reset()
    this.needResync = false
    this.refreshing = false
    this.refreshWanted = false
    this.seen = undefined
    this.lastPing = now
    this.outage.debug('connected, sending DUMPALL')
    // As upsd: forget the old copy, show WAIT until the dump has arrived.
    this.device.clear()
    this.device.setValue('ups.status', 'WAIT')
    this.send({ type: 'DUMPALL' })
    const tickMs = Math.min(1000, Math.max(20, this.maxAgeMs / 6))
    this.tickTimer?.cancel()
    this.tickTimer = this.clock.setInterval(() => this.tick(), tickMs)
    this.evaluate()
  }

  private onClose(socket: Socket): void {
    if (socket !== this.socket) return
    this.socket = undefined
    const wasConnected = this.facts.connected
    this.facts.connected = false
    this.tickTimer?.cancel()
    this.deadlineTimer?.cancel()
    this.pending.settleAll('ERR UNKNOWN')
    if (wasConnected) this.backoff = this.reconnectMinMs
    this.evaluate(this.lastDetail)
    this.settleFirstAttempt()
    if (!this.running) return
    if (wasConnected) this.onDisconnect?.()
    const delay = this.backoff
    this.backoff = Math.min(this.reconnectMaxMs, this.backoff * 2)
    this.retryTimer = this.clock.setTimeout(() => this.connect(), delay)
  }

  /** A driver that (re)creates its socket is attached at once, not at the next retry. */
  private watchStateDir(): void {
    try {
      const name = basename(this.socketPath)
      this.watcher = watch(dirname(this.socketPath), (_event, file) => {
        if (file === name && !this.facts.connected && this.socket === undefined) this.connect()
      })
      this.watcher.on('error', () => {
        this.watcher?.close()
        this.watcher = undefined
      })
    } catch {
      // No directory yet, or no inotify: the backoff retries still find the driver.
      this.watcher = undefined
    }
  }

  private send(message: ServerToDriverMessage): boolean {
    const socket = this.socket
    if (socket === undefined || !this.facts.connected || socket.writableLength > maxQueuedBytes) {
      return false
    }
    socket.write(`${encodeSocketMessage(message)}\n`)
    return true
  }

  // ---- incoming ------------------------------------------------------------

  private onData(socket: Socket, chunk: string): void {
    if (socket !== this.socket || !this.facts.connected) return
    // One read is one burst of the driver's updates: the rules see it whole (Device.update).
    this.device.update(() => {
      this.framer.push(chunk, this.sink)
      this.evaluate()
    })
  }

  private onLine(line: string): void {
    const now = this.clock.now()
    const budget = this.budget.take(now)
    if (budget !== 'ok') {
      if (budget === 'flood') this.violation('flood: too many lines per second')
      this.needResync = true
      return
    }
    const result = parseSocketLine(line)
    if (result.ok ? result.extraWords : isSetinfo(result.error)) {
      // Not garbage: a value the driver's broadcast sent unescaped. Its dump escapes.
      this.valueMangled(line)
      return
    }
    if (!result.ok) {
      if (result.error.kind === 'empty') return
      if (result.error.kind === 'unknown-command' && this.budget.tolerateUnknown()) {
        this.outage.debug('ignored unknown message', { line: line.slice(0, 80) })
        return
      }
      this.violation(`${result.error.kind}: ${result.error.message}`)
      return
    }
    const message = result.message
    if (!isDriverToServer(message)) return // a request: not for us to answer, as upsd
    this.facts.lastHeard = now
    this.device.lastUpdate = now
    switch (message.type) {
      case 'DUMPDONE':
        this.facts.dumpDone = true
        if ((this.facts.resyncing || this.refreshing) && this.seen !== undefined) {
          dropUnseen(this.device, this.seen)
        }
        this.facts.resyncing = false
        this.refreshing = false
        this.seen = undefined
        return
      case 'DATAOK':
        this.facts.dataOk = true
        return
      case 'DATASTALE':
        this.facts.dataOk = false
        return
      case 'TRACKING':
        this.pending.complete(message.id, message.code)
        return
      default:
        applyStateMessage(this.device, message, this.seen)
    }
  }

  /**
   * NUT 2.8.0 drivers broadcast a changed value without escaping it (a value holding `"`,
   * `\` or `#`), where their DUMPALL escapes it. Such a line is not applied, and the link
   * asks for a fresh dump without distrusting the data (at most once a second): the
   * other variables keep their values, and the mangled one gets its true value from the
   * dump.
   */
  private valueMangled(line: string): void {
    this.outage.debug('value sent unescaped; asking for a fresh dump', { line: line.slice(0, 80) })
    this.refreshWanted = true
  }

  private maybeRefresh(now: number): void {
    // A refresh whose dump never completed is given up (a resync may need the link).
    if (this.refreshing && now - this.lastRefreshAt > this.maxAgeMs) this.refreshing = false
    const busy = this.refreshing || this.facts.resyncing || !this.facts.dumpDone
    if (!this.refreshWanted || !this.facts.connected || busy) return
    if (now - this.lastRefreshAt < minRefreshGapMs) return
    this.refreshWanted = false
    this.refreshing = true
    this.lastRefreshAt = now
    this.seen = { variables: new Set(), commands: new Set() }
    this.send({ type: 'DUMPALL' })
  }

  /** Garbage or a flood: distrust the data for a while, then resynchronise with DUMPALL. */
  private violation(detail: string): void {
    this.facts.distrustedUntil = this.clock.now() + this.distrustMs
    this.needResync = true
    this.lastDetail = detail
    this.outage.debug('driver sent garbage', { detail })
  }

  // ---- time ----------------------------------------------------------------

  private tick(): void {
    if (!this.facts.connected) return
    const now = this.clock.now()
    if (shouldPing(this.facts.lastHeard, this.lastPing, now, this.maxAgeMs)) {
      this.lastPing = now
      this.send({ type: 'PING' })
    }
    this.evaluate()
  }

  private maybeResync(now: number): void {
    if (!this.facts.connected || now < this.facts.distrustedUntil) return
    // A resync whose dump never completed (lost in a flood) is started over.
    const overdue = this.facts.resyncing && now - this.resyncStartedAt > this.maxAgeMs
    // Not while a refresh dump runs: two dumps would mix in one record of what was seen.
    if (this.refreshing) return
    if ((this.needResync && !this.facts.resyncing) || overdue) this.startResync(now)
  }

  private startResync(now: number): void {
    this.needResync = false
    this.facts.resyncing = true
    this.resyncStartedAt = now
    this.seen = { variables: new Set(), commands: new Set() }
    // The flood budget starts afresh so the dump we ask for is not dropped with the flood.
    this.budget.reset(now)
    this.send({ type: 'DUMPALL' })
  }

  private evaluate(detail?: string): void {
    const now = this.clock.now()
    this.maybeResync(now)
    this.maybeRefresh(now)
    // Data that needs a resync is not trusted until the resync dump has landed.
    const facts = { ...this.facts, resyncing: this.facts.resyncing || this.needResync }
    const verdict = judge(facts, now, this.maxAgeMs)
    // The outage log itself keeps to one line when data goes and one when it is back.
    if (verdict.state !== this.device.commState || verdict.state !== 'ok') {
      this.device.setCommState(verdict.state)
      this.outage.update(verdict, detail ?? this.lastDetail)
    }
    if (verdict.state === 'ok') this.lastDetail = undefined
    this.deadlineTimer?.cancel()
    const due = nextDeadline(this.facts, now, this.maxAgeMs)
    if (due !== undefined) this.deadlineTimer = this.clock.setTimeout(() => this.tick(), due - now)
  }
}
