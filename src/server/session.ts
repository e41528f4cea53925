/**
 * One client connection: reads request lines, runs them strictly in order (pipelining
 * works), and writes each reply (a whole LIST included) in a single write. It protects the
 * server from the client: a line over the limit, an output queue over the cap or a TLS
 * handshake that stalls ends the connection; a flood of requests is processed in slices so
 * that other connections keep their turn.
 */
import type { Socket } from 'node:net'
import { type SecureContext, TLSSocket } from 'node:tls'
import type { ServerLimits } from '../config/types.ts'
import type { TimerHandle } from '../core/clock.ts'
import { describeError } from '../core/errors.ts'
import { LineFramer, type LineSink } from '../protocol/line-framer.ts'
import type {
  CommandContext,
  CommandSpec,
  ConnectionHandle,
  Reply,
  ServerContext,
  SessionState,
} from './commands/types.ts'
import { dispatch, internalError } from './dispatch.ts'
import type { ReplyCache } from './reply-cache.ts'
import { isErrorReply, type ServerStats } from './server-stats.ts'

export interface SessionHost {
  readonly context: ServerContext
  readonly commands: ReadonlyMap<string, CommandSpec>
  readonly secureContext: SecureContext | undefined
  readonly limits: ServerLimits
  /** Replies to GET VAR by request line, shared by every connection. */
  readonly replies: ReplyCache
  /** Request and error counts, bumped here per request line. */
  readonly counts: ServerStats
  /** Called once when the connection has ended. */
  ended(session: Session): void
  /** Logs a client's misbehaviour, at most a few lines a minute per `key`. */
  noteLimited(key: string, fields: Record<string, unknown>, message: string): void
}

/** Requests handled, or reply bytes produced, in one turn before yielding to others. */
const sliceRequests = 128
const sliceBytes = 16 * 1024
/** Unprocessed request bytes above which reading pauses (and below which it resumes). */
const pauseAboveBytes = 256 * 1024
const resumeBelowBytes = 64 * 1024
/** Unsent reply bytes above which no more requests are run until the client reads. */
const outputSoftLimit = 64 * 1024

export class Session {
  readonly state: SessionState
  /** Monotonic time of the last complete request line (the idle timeout counts from it). */
  lastLine: number
  private socket: Socket
  private readonly host: SessionHost
  private framer: LineFramer
  /** Request lines received and not yet run: wire strings (one character per byte). */
  private queue: string[] = []
  private queueHead = 0
  /** queue[queueHead..queueTail) waits; the array is reused, not reallocated per request. */
  private queueTail = 0
  private queuedBytes = 0
  private busy = false
  private sliceScheduled = false
  private awaitingDrain = false
  /** Replies being collected for one write, while a batch of requests runs. */
  private batch: string | undefined
  private paused = false
  private ending = false
  private closed = false
  private handshakeTimer: TimerHandle | undefined
  private readonly closeListeners = new Set<() => void>()
  private readonly context: CommandContext
  /** Set by the framer when a line is over the limit. */
  private overflowed = false
  private readonly sink: LineSink = {
    line: (line) => {
      this.queue[this.queueTail++] = line
      this.queuedBytes += line.length + 1
    },
    overflow: () => {
      this.overflowed = true
    },
  }
  // Latin-1: one character per byte, whatever the bytes; UTF-8 is checked per line.
  private readonly onData = (chunk: Buffer): void => {
    if (!this.answerFromCache(chunk)) this.receive(chunk.toString('latin1'))
  }

  constructor(id: number, socket: Socket, address: string, host: SessionHost) {
    this.socket = socket
    this.host = host
    this.framer = new LineFramer(host.limits.maxLineLength)
    this.lastLine = host.context.clock.now()
    this.state = {
      id,
      address,
      username: undefined,
      password: undefined,
      loginUps: undefined,
      tracking: false,
      tls: false,
    }
    const connection: ConnectionHandle = {
      send: (text) => this.send(text),
      onClose: (listener) => {
        this.closeListeners.add(listener)
        return () => this.closeListeners.delete(listener)
      },
      close: () => this.close('closed by the server'),
    }
    this.context = { session: this.state, server: host.context, connection }
    this.attach(socket)
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Ends the connection now, dropping anything unsent. */
  close(reason: string): void {
    if (this.closed) return
    this.host.context.log.debug({ address: this.state.address, reason }, 'closing connection')
    this.socket.destroy()
    this.finish()
  }

  private attach(socket: Socket): void {
    socket.on('data', this.onData)
    socket.on('error', (error) => {
      this.host.context.log.debug(
        { address: this.state.address, error: describeError(error) },
        'socket error',
      )
    })
    socket.on('close', () => this.finish())
  }

  private finish(): void {
    if (this.closed) return
    this.closed = true
    this.handshakeTimer?.cancel()
    this.queue = []
    this.queueHead = 0
    this.queueTail = 0
    for (const listener of [...this.closeListeners]) {
      try {
        listener()
      } catch (error) {
        this.host.context.log.error({ error: describeError(error) }, 'close listener failed')
      }
    }
    this.closeListeners.clear()
    this.host.ended(this)
  }

  /**
   * The common case of a closed-loop client: one whole request line in a read, nothing
   * queued or half-received, the reply cached, the client reading its replies. It is
   * answered here, in exactly the order and form pump() would answer it, without the
   * framer and the queue. Anything else returns false and takes the general path.
   */
  private answerFromCache(chunk: Buffer): boolean {
    const last = chunk.length - 1
    if (
      last <= 0 ||
      chunk[last] !== 10 ||
      chunk.indexOf(10) !== last ||
      last > this.host.limits.maxLineLength ||
      this.queueHead !== this.queueTail ||
      this.busy ||
      this.sliceScheduled ||
      this.awaitingDrain ||
      this.closed ||
      this.ending ||
      this.framer.pending !== 0 ||
      this.socket.writableLength > Math.min(outputSoftLimit, this.host.limits.maxOutputQueueBytes)
    ) {
      return false
    }
    const cached = this.host.replies.get(chunk.toString('latin1', 0, last))
    if (cached === undefined) return false
    this.lastLine = this.host.context.clock.now()
    const stats = this.host.counts
    stats.requests++
    if (isErrorReply(cached)) stats.errors++
    this.write(cached)
    return true
  }

  private receive(chunk: string): void {
    if (this.closed || this.ending) return
    const before = this.queueTail
    this.framer.push(chunk, this.sink)
    if (this.queueTail > before) this.lastLine = this.host.context.clock.now()
    if (this.overflowed) {
      // Run what came before the oversized line? No: a client that breaks framing is not
      // trusted with the rest of its buffer either.
      this.host.noteLimited(
        'long-line',
        { address: this.state.address, limit: this.host.limits.maxLineLength },
        'request line too long; closing',
      )
      this.close('line too long')
      return
    }
    if (this.awaitingDrain && this.queuedBytes > pauseAboveBytes) {
      this.dropNonReader()
      return
    }
    if (!this.paused && this.queuedBytes > pauseAboveBytes) {
      this.paused = true
      this.socket.pause()
    }
    this.pump()
  }

  /**
   * Runs queued requests in order, a slice at a time, sending replies in batches. Lines
   * an extension sends while a batch is being built (a push caused by a SET in it) join
   * the batch in order, so nothing overtakes a reply to an earlier request.
   */
  private pump(): void {
    if (this.busy || this.closed || this.sliceScheduled || this.awaitingDrain) return
    if (this.queueHead < this.queueTail && this.outputBlocked()) return
    this.batch = ''
    let handled = 0
    try {
      while (this.queueHead < this.queueTail && !this.closed) {
        if (handled >= sliceRequests || this.batch.length >= sliceBytes) {
          this.sliceScheduled = true
          setImmediate(() => {
            this.sliceScheduled = false
            this.pump()
          })
          return
        }
        const line = this.queue[this.queueHead] as string
        this.queue[this.queueHead++] = '' // the slot no longer holds the line
        this.queuedBytes -= line.length + 1
        handled++
        const stats = this.host.counts
        stats.requests++
        const cached = this.host.replies.get(line)
        if (cached !== undefined) {
          if (isErrorReply(cached)) stats.errors++
          this.batch += cached
          continue
        }
        const result = dispatch(this.host.commands, line, this.context, this.host.replies)
        if (result instanceof Promise) {
          this.busy = true
          result.then(
            (reply) => this.resume(reply),
            (error: unknown) => this.resume(internalError(this.context, error)),
          )
          return
        }
        if (isErrorReply(result.text)) stats.errors++
        if (result.after !== undefined) {
          this.flushBatch()
          this.conclude(result)
          return
        }
        this.batch += result.text
      }
    } finally {
      this.flushBatch()
    }
    this.compact()
  }

  private flushBatch(): void {
    const text = this.batch
    this.batch = undefined
    if (text !== undefined) this.write(text)
  }

  /** Lines sent outside the request/reply flow (extensions): in order with the batch. */
  private send(text: string): void {
    if (this.batch !== undefined) this.batch += text
    else this.write(text)
  }

  /**
   * True when the client has not read enough of its replies to be given more work: then
   * requests wait until the socket drains. A client that keeps sending requests meanwhile
   * (more than pauseAboveBytes waiting) is not reading at all and is dropped.
   */
  private outputBlocked(): boolean {
    if (
      this.socket.writableLength <= Math.min(outputSoftLimit, this.host.limits.maxOutputQueueBytes)
    ) {
      return false
    }
    if (this.queuedBytes > pauseAboveBytes) {
      this.dropNonReader()
      return true
    }
    this.awaitingDrain = true
    // Keep reading meanwhile: a client that sends more requests while not reading is dropped.
    if (this.paused) {
      this.paused = false
      this.socket.resume()
    }
    this.socket.once('drain', () => {
      this.awaitingDrain = false
      this.pump()
    })
    return true
  }

  private dropNonReader(): void {
    this.host.noteLimited(
      'non-reader',
      {
        address: this.state.address,
        unsent: this.socket.writableLength,
        waiting: this.queuedBytes,
      },
      'client sends requests but does not read the replies; closing',
    )
    this.close('not reading replies')
  }

  private resume(reply: Reply): void {
    this.busy = false
    if (isErrorReply(reply.text)) this.host.counts.errors++
    if (this.closed) return
    if (reply.after !== undefined) {
      this.conclude(reply)
      return
    }
    this.write(reply.text)
    this.pump()
  }

  private compact(): void {
    if (this.queueHead >= this.queueTail) {
      // A burst's big array is let go; a small one is kept for the next request.
      if (this.queue.length > 1024) this.queue = []
      this.queueHead = 0
      this.queueTail = 0
    } else if (this.queueHead > 1024) {
      this.queue = this.queue.slice(this.queueHead, this.queueTail)
      this.queueTail -= this.queueHead
      this.queueHead = 0
    }
    if (this.paused && this.queuedBytes < resumeBelowBytes && !this.closed && !this.ending) {
      this.paused = false
      this.socket.resume()
    }
  }

  /** A reply that changes the connection: LOGOUT closes it, STARTTLS upgrades it. */
  private conclude(reply: Reply): void {
    // Whatever the client sent after this request is discarded, never executed.
    this.queue = []
    this.queueHead = 0
    this.queueTail = 0
    this.queuedBytes = 0
    this.framer.reset()
    if (reply.after === 'close') {
      this.ending = true
      this.socket.end(reply.text, () => this.socket.destroy())
      return
    }
    this.upgrade(reply.text)
  }

  private upgrade(text: string): void {
    const secureContext = this.host.secureContext
    if (secureContext === undefined) {
      this.close('STARTTLS without a certificate')
      return
    }
    const raw = this.socket
    this.ending = true // no request is read until the handshake is done
    raw.removeListener('data', this.onData)
    raw.pause()
    const { clock } = this.host.context
    this.handshakeTimer = clock.setTimeout(
      () => this.close('TLS handshake timed out'),
      this.host.limits.handshakeTimeoutMs,
    )
    raw.write(text, () => {
      if (this.closed) return
      const secure = new TLSSocket(raw, { isServer: true, secureContext })
      this.socket = secure
      secure.on('error', (error) => {
        this.host.context.log.debug(
          { address: this.state.address, error: describeError(error) },
          'TLS error',
        )
        this.close('TLS error')
      })
      secure.on('close', () => this.finish())
      secure.once('secure', () => {
        this.handshakeTimer?.cancel()
        this.handshakeTimer = undefined
        if (this.closed) return
        this.state.tls = true
        this.ending = false
        this.paused = false
        this.framer = new LineFramer(this.host.limits.maxLineLength)
        this.lastLine = clock.now()
        secure.on('data', this.onData)
      })
    })
  }

  private write(text: string): void {
    if (text.length === 0 || this.closed) return
    this.socket.write(text)
    if (this.socket.writableLength > this.host.limits.maxOutputQueueBytes) {
      this.host.noteLimited(
        'output-cap',
        { address: this.state.address, queued: this.socket.writableLength },
        'client is not reading its replies; closing',
      )
      this.close('output queue over the limit')
    }
  }
}
