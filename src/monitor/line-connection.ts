import { connect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import type { Clock } from '../core/clock.ts'
import { NutshellError } from '../core/errors.ts'
import { tokenizeLine } from '../protocol/tokenizer.ts'

/**
 * One NUT protocol connection as the monitor needs it: one request at a time, one reply
 * line each, and lines the server sends unasked (`PUSH ...` of the push extension) handed
 * to a listener instead of being taken for a reply. Kept small and monitor-specific: the
 * general client library lives in src/client/.
 */
export interface LineConnectionOptions {
  host: string
  port: number
  clock: Clock
  /** Each request's reply must come within this (default 10 s). */
  timeoutMs?: number
  onPush?: (words: string[]) => void
  onClose?: () => void
}

const maxLine = 64 * 1024

export class LineConnection {
  private socket: Socket
  private buffer = ''
  private waiting: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> = []
  private chain: Promise<unknown> = Promise.resolve()
  private closedError: Error | undefined
  private readonly options: LineConnectionOptions

  private constructor(socket: Socket, options: LineConnectionOptions) {
    this.socket = socket
    this.options = options
    this.attach(socket)
  }

  static open(options: LineConnectionOptions): Promise<LineConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: options.host, port: options.port })
      socket.setNoDelay(true)
      const timer = options.clock.setTimeout(() => {
        socket.destroy()
        reject(
          new NutshellError('NS_CLIENT_TIMEOUT', `connecting to ${options.host}:${options.port}`),
        )
      }, options.timeoutMs ?? 10_000)
      socket.once('connect', () => {
        timer.cancel()
        socket.removeAllListeners('error')
        resolve(new LineConnection(socket, options))
      })
      socket.once('error', (error) => {
        timer.cancel()
        reject(
          new NutshellError(
            'NS_CLIENT_CONNECT',
            `${options.host}:${options.port}: ${error.message}`,
          ),
        )
      })
    })
  }

  get closed(): boolean {
    return this.closedError !== undefined
  }

  /** Sends one request line and resolves with its one reply line. */
  request(line: string): Promise<string> {
    const next = this.chain.then(() => this.exchange(line))
    this.chain = next.catch(() => undefined)
    return next
  }

  /** Upgrades to TLS after a successful STARTTLS (upsmon does not verify by default). */
  async startTls(): Promise<void> {
    const plain = this.socket
    plain.removeAllListeners('data')
    plain.removeAllListeners('close')
    plain.removeAllListeners('error')
    const secure = tlsConnect({ socket: plain, rejectUnauthorized: false, servername: undefined })
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve())
      secure.once('error', reject)
    })
    this.socket = secure
    this.attach(secure)
  }

  close(): void {
    this.fail(new NutshellError('NS_CLIENT_CLOSED', 'connection closed'))
    this.socket.destroy()
  }

  private exchange(line: string): Promise<string> {
    if (this.closedError !== undefined) return Promise.reject(this.closedError)
    return new Promise((resolve, reject) => {
      const timer = this.options.clock.setTimeout(() => {
        this.close()
        reject(new NutshellError('NS_CLIENT_TIMEOUT', `no reply to ${line.split(' ')[0]}`))
      }, this.options.timeoutMs ?? 10_000)
      this.waiting.push({
        resolve: (reply) => {
          timer.cancel()
          resolve(reply)
        },
        reject: (error) => {
          timer.cancel()
          reject(error)
        },
      })
      this.socket.write(`${line}\n`)
    })
  }

  private attach(socket: Socket): void {
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => this.receive(chunk))
    socket.on('error', (error) => this.fail(new NutshellError('NS_CLIENT_CLOSED', error.message)))
    socket.on('close', () => this.fail(new NutshellError('NS_CLIENT_CLOSED', 'connection closed')))
  }

  private receive(chunk: string): void {
    this.buffer += chunk
    for (;;) {
      const end = this.buffer.indexOf('\n')
      if (end < 0) break
      const line = this.buffer.slice(0, end).replace(/\r$/, '')
      this.buffer = this.buffer.slice(end + 1)
      if (line.startsWith('PUSH ')) {
        this.options.onPush?.(tokenizeLine(line).words)
        continue
      }
      const waiter = this.waiting.shift()
      // A line nobody asked for and that is no push: ignore it (never mistake it for a reply).
      waiter?.resolve(line)
    }
    if (this.buffer.length > maxLine) this.close()
  }

  private fail(error: Error): void {
    if (this.closedError !== undefined) return
    this.closedError = error
    for (const waiter of this.waiting.splice(0)) waiter.reject(error)
    this.options.onClose?.()
  }
}
