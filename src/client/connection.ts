/**
 * One NUT conversation over TCP: opening the socket (every address of the host in turn,
 * as libupsclient does), the optional STARTTLS upgrade, and the reply reader that matches
 * replies to requests in the order they were sent. Several requests may be in flight
 * (upsd answers pipelined lines in order), and their lines leave in one write per tick.
 *
 * Failure policy: a reply that breaks the protocol, a reply that does not come within its
 * timeout, or a line longer than the limit ends the connection. Every request still in
 * flight is rejected, the socket is destroyed and no timer is left behind.
 *
 * Extension hook: `pushFilter` lets a later opt-in extension (a server that pushes changes)
 * route its own lines to a listener before they are matched to requests; lines that arrive
 * while nothing is pending go to `onUnsolicited` when set, and are a violation otherwise.
 */
import type { Socket } from 'node:net'
import { StringDecoder } from 'node:string_decoder'
import type { TLSSocket } from 'node:tls'
import type { Clock, TimerHandle } from '../core/clock.ts'
import { LineFramer, type LineSink } from '../protocol/line-framer.ts'
import { NutClientError, NutServerError } from './errors.ts'
import {
  echoes,
  isListBegin,
  isListEnd,
  type ParsedReply,
  parseReply,
  type ReplyLine,
} from './reply.ts'
import { openSocket } from './socket.ts'
import type { NutTlsOptions, TlsMode } from './tls.ts'

export interface ConnectionOptions {
  host: string
  port: number
  tls: TlsMode
  tlsOptions: NutTlsOptions
  timeoutMs: number
  connectTimeoutMs: number
  maxLineLength: number
  family: 0 | 4 | 6
  clock: Clock
}

/** How a request's reply is read. */
export type ReplyShape =
  /** One line; an `ERR` line rejects with NutServerError. */
  | { kind: 'line' }
  /** One line, whatever it is (GET TRACKING answers results as `ERR …` text). */
  | { kind: 'raw' }
  /** `BEGIN LIST <query>`, items echoing `query`, `END LIST`. */
  | { kind: 'list'; query: readonly string[] }

interface Pending {
  line: string
  shape: ReplyShape
  timeoutMs: number
  begun: boolean
  items: ReplyLine[]
  resolve: (lines: ReplyLine[]) => void
  reject: (error: Error) => void
}

export interface PushFilter {
  /** True for a line that belongs to the push extension and not to any request. */
  matches(line: ReplyLine): boolean
  deliver(line: ReplyLine): void
}

const controlCharacters = /[\u0000-\u001f\u007f]/

export class Connection {
  private socket: Socket | TLSSocket
  private decoder = new StringDecoder('utf8')
  private readonly framer: LineFramer
  private readonly queue: Pending[] = []
  private outgoing: string[] = []
  private timer: TimerHandle | undefined
  private closedWith: NutClientError | undefined
  private readonly closeListeners = new Set<(error: NutClientError | undefined) => void>()
  private secure = false
  pushFilter: PushFilter | undefined
  onUnsolicited: ((line: ReplyLine) => void) | undefined

  private readonly options: ConnectionOptions

  private constructor(socket: Socket, options: ConnectionOptions) {
    this.options = options
    this.socket = socket
    this.framer = new LineFramer(options.maxLineLength)
    this.attach(socket)
  }

  /** Opens the TCP connection and, unless `tls` is 'off', asks for STARTTLS. */
  static async open(options: ConnectionOptions): Promise<Connection> {
    const socket = await openSocket(options)
    const connection = new Connection(socket, options)
    if (options.tls !== 'off') {
      try {
        await connection.startTls()
      } catch (error) {
        connection.destroy()
        throw error
      }
    }
    return connection
  }

  get isSecure(): boolean {
    return this.secure
  }

  get isClosed(): boolean {
    return this.closedWith !== undefined
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.queue.length
  }

  onClose(listener: (error: NutClientError | undefined) => void): () => void {
    this.closeListeners.add(listener)
    return () => this.closeListeners.delete(listener)
  }

  /**
   * Sends one request line (already encoded, without LF) and resolves with its reply
   * lines: one line, or a list's items without BEGIN/END.
   */
  send(line: string, shape: ReplyShape, timeoutMs = this.options.timeoutMs): Promise<ReplyLine[]> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith)
    if (controlCharacters.test(line)) {
      return Promise.reject(
        new NutClientError('NS_CLIENT_PROTOCOL', 'a request must not contain control characters'),
      )
    }
    return new Promise<ReplyLine[]>((resolve, reject) => {
      this.queue.push({ line, shape, timeoutMs, begun: false, items: [], resolve, reject })
      if (this.queue.length === 1) this.armTimer()
      this.outgoing.push(`${line}\n`)
      if (this.outgoing.length === 1) queueMicrotask(() => this.flush())
    })
  }

  /**
   * Sends `line` as the last words and ends the connection without waiting for an answer
   * (libupsclient's disconnect: LOGOUT, then close). Pending requests are rejected.
   */
  quit(line: string): void {
    if (this.closedWith !== undefined) return
    this.flush()
    this.fail(new NutClientError('NS_CLIENT_CLOSED', 'connection closed by the client'), line)
  }

  /** Ends the connection at once; pending requests are rejected with NS_CLIENT_CLOSED. */
  destroy(reason?: NutClientError): void {
    this.fail(reason ?? new NutClientError('NS_CLIENT_CLOSED', 'connection closed by the client'))
  }

  private flush(): void {
    if (this.outgoing.length === 0 || this.closedWith !== undefined) return
    const data = this.outgoing.join('')
    this.outgoing = []
    this.socket.write(data)
  }

  private async startTls(): Promise<void> {
    const required = this.options.tls === 'require'
    let reply: ReplyLine | undefined
    try {
      ;[reply] = await this.send('STARTTLS', { kind: 'line' })
    } catch (error) {
      if (!(error instanceof NutServerError)) throw error
      if (required) {
        throw new NutClientError('NS_CLIENT_TLS', `server refused STARTTLS: ${error.line}`)
      }
      return // try-mode: continue in plain text, as upsc does
    }
    if (reply === undefined || !reply.raw.startsWith('OK STARTTLS')) {
      if (required) {
        throw new NutClientError('NS_CLIENT_TLS', `unexpected reply to STARTTLS: ${reply?.raw}`)
      }
      return
    }
    if (this.framer.pending > 0) {
      throw new NutClientError('NS_CLIENT_PROTOCOL', 'server sent data after OK STARTTLS')
    }
    const { upgradeToTls } = await import('./tls.ts')
    const plain = this.socket as Socket
    this.detach(plain)
    const secured = await upgradeToTls(plain, this.options).catch((error: unknown) => {
      plain.destroy()
      throw error
    })
    this.decoder = new StringDecoder('utf8')
    this.socket = secured
    this.secure = true
    this.attach(secured)
  }

  private readonly onData = (chunk: Buffer | string): void => {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk)
    this.framer.push(text, this.sink)
  }

  private readonly sink: LineSink = {
    line: (raw) => {
      if (this.closedWith === undefined) this.dispatch(parseReply(raw))
    },
    overflow: () => {
      if (this.closedWith === undefined) {
        this.violation(`a reply line is longer than ${this.options.maxLineLength}`)
      }
    },
  }

  private readonly onEnd = (): void => {
    this.fail(new NutClientError('NS_CLIENT_CLOSED', 'the server closed the connection'))
  }

  private readonly onError = (error: Error & { code?: string }): void => {
    const options =
      error.code === undefined ? { cause: error } : { cause: error, systemCode: error.code }
    this.fail(
      new NutClientError('NS_CLIENT_CLOSED', `connection failed: ${error.message}`, options),
    )
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.on('data', this.onData)
    socket.on('end', this.onEnd)
    socket.on('close', this.onEnd)
    socket.on('error', this.onError)
  }

  private detach(socket: Socket | TLSSocket): void {
    socket.off('data', this.onData)
    socket.off('end', this.onEnd)
    socket.off('close', this.onEnd)
    socket.off('error', this.onError)
  }

  private dispatch(reply: ParsedReply): void {
    if (reply.kind === 'malformed') {
      this.violation(`unreadable reply (${reply.reason}): ${reply.raw}`)
      return
    }
    if (this.pushFilter?.matches(reply.line) === true) {
      this.pushFilter.deliver(reply.line)
      return
    }
    const head = this.queue[0]
    if (head === undefined) {
      if (this.onUnsolicited !== undefined) this.onUnsolicited(reply.line)
      else this.violation(`unsolicited line: ${reply.line.raw}`)
      return
    }
    const { shape } = head
    switch (shape.kind) {
      case 'raw':
        this.complete(head, [reply.line])
        return
      case 'line':
        if (reply.kind === 'error') this.completeWithError(head, reply.word, reply.line.raw)
        else this.complete(head, [reply.line])
        return
      case 'list':
        this.collect(head, shape.query, reply)
        return
    }
  }

  private collect(head: Pending, query: readonly string[], reply: ParsedReply): void {
    if (reply.kind === 'malformed') return
    if (!head.begun) {
      if (reply.kind === 'error') this.completeWithError(head, reply.word, reply.line.raw)
      else if (isListBegin(reply.line.words, query)) head.begun = true
      else this.violation(`expected BEGIN LIST ${query.join(' ')}, got: ${reply.line.raw}`)
      return
    }
    if (reply.kind === 'error') {
      // An error in the middle of a list leaves the stream in an unknown state.
      head.reject(new NutServerError(reply.word, reply.line.raw, head.line))
      this.queue.shift()
      this.violation('error reply inside a list')
      return
    }
    if (isListEnd(reply.line.words)) this.complete(head, head.items)
    else if (echoes(reply.line.words, query)) head.items.push(reply.line)
    else this.violation(`list item does not echo ${query.join(' ')}: ${reply.line.raw}`)
  }

  private complete(head: Pending, lines: ReplyLine[]): void {
    this.queue.shift()
    this.armTimer()
    head.resolve(lines)
  }

  private completeWithError(head: Pending, word: string, raw: string): void {
    this.queue.shift()
    this.armTimer()
    head.reject(new NutServerError(word, raw, head.line))
  }

  private armTimer(): void {
    this.timer?.cancel()
    this.timer = undefined
    const head = this.queue[0]
    if (head === undefined || this.closedWith !== undefined) return
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined
      const verb = head.line.split(' ').slice(0, 2).join(' ')
      this.fail(
        new NutClientError('NS_CLIENT_TIMEOUT', `no reply to ${verb} within ${head.timeoutMs} ms`),
      )
    }, head.timeoutMs)
  }

  private violation(message: string): void {
    this.fail(new NutClientError('NS_CLIENT_PROTOCOL', message))
  }

  private fail(error: NutClientError, lastLine?: string): void {
    if (this.closedWith !== undefined) return
    this.closedWith = error
    this.timer?.cancel()
    this.timer = undefined
    const socket = this.socket
    this.detach(socket)
    socket.on('error', () => {}) // late errors of a closing socket are expected
    if (lastLine === undefined || socket.destroyed) socket.destroy()
    else {
      // Let the last line reach the kernel, then close without waiting for the server.
      socket.once('finish', () => socket.destroy())
      socket.end(`${lastLine}\n`)
    }
    const pending = this.queue.splice(0)
    const closed =
      error.code === 'NS_CLIENT_CLOSED'
        ? error
        : new NutClientError('NS_CLIENT_CLOSED', `connection ended: ${error.message}`, {
            cause: error,
          })
    pending.forEach((p, i) => {
      p.reject(i === 0 ? error : closed)
    })
    for (const listener of [...this.closeListeners]) listener(error)
  }
}
