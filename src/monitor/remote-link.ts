import type { MonitoredUps } from '../config/types.ts'
import type { Clock } from '../core/clock.ts'
import { describeError, NutshellError } from '../core/errors.ts'
import type { Logger } from '../core/log.ts'
import { encodeArgument } from '../protocol/encode.ts'
import { tokenizeLine } from '../protocol/tokenizer.ts'
import { LineConnection } from './line-connection.ts'
import type { Observation, UpsLink } from './ups-link.ts'

/**
 * A UPS on a remote NUT server, reached as upsmon reaches it: connect, try STARTTLS,
 * USERNAME, PASSWORD, LOGIN, and for a primary PRIMARY (MASTER on servers older than
 * 2.8), so that the server's NUMLOGINS and LIST CLIENT count this monitor. Then
 * `GET VAR <ups> ups.status` on every poll. If the server is nutshell, `WATCH <ups>` also
 * succeeds and every change is pushed at once (docs/protocol.md); real upsd answers
 * `ERR UNKNOWN-COMMAND` and the link just polls. A broken connection is opened again on
 * the next poll.
 */
export interface RemoteLinkOptions {
  monitor: MonitoredUps
  clock: Clock
  log: Logger
  /** Ask for pushed changes (default true). */
  push?: boolean
  /** Try STARTTLS as upsmon does (default true). */
  startTls?: boolean
  timeoutMs?: number
}

export class RemoteLink implements UpsLink {
  private currentMode: 'poll' | 'push' = 'poll'
  private connection: LineConnection | undefined
  private opening: Promise<LineConnection> | undefined
  private pushed: Observation | undefined
  private listener: (() => void) | undefined
  private closed = false
  private readonly options: RemoteLinkOptions

  constructor(options: RemoteLinkOptions) {
    this.options = options
  }

  get mode(): 'poll' | 'push' {
    return this.currentMode
  }

  async read(): Promise<Observation> {
    const pushed = this.pushed
    if (pushed !== undefined) {
      this.pushed = undefined
      return pushed
    }
    const ups = this.options.monitor.ups
    try {
      const connection = await this.open()
      const line = await connection.request(`GET VAR ${encodeArgument(ups)} ups.status`)
      const words = tokenizeLine(line).words
      if (words[0] === 'VAR' && words.length >= 4) return { ok: true, status: words[3] ?? '' }
      return { ok: false, reason: line }
    } catch (error) {
      return { ok: false, reason: describeError(error) }
    }
  }

  subscribe(listener: () => void): () => void {
    this.listener = listener
    return () => {
      this.listener = undefined
    }
  }

  async setFsd(): Promise<void> {
    const connection = await this.open()
    const reply = await connection.request(`FSD ${encodeArgument(this.options.monitor.ups)}`)
    if (!reply.startsWith('OK')) throw new NutshellError('NS_SERVER_ERROR', `FSD: ${reply}`)
  }

  async otherLogins(): Promise<number> {
    try {
      const connection = await this.open()
      const ups = encodeArgument(this.options.monitor.ups)
      const words = tokenizeLine(await connection.request(`GET NUMLOGINS ${ups}`)).words
      if (words[0] !== 'NUMLOGINS') return 0
      const count = Number.parseInt(words[2] ?? '', 10)
      // The server counts this monitor's own LOGIN too.
      return Number.isFinite(count) ? Math.max(0, count - 1) : 0
    } catch {
      return 0
    }
  }

  /** Drops the connection without LOGOUT, as upsmon's exiting child does. */
  close(): Promise<void> {
    this.closed = true
    this.connection?.close()
    this.connection = undefined
    return Promise.resolve()
  }

  private open(): Promise<LineConnection> {
    if (this.closed) return Promise.reject(new NutshellError('NS_CLIENT_CLOSED', 'link closed'))
    if (this.connection !== undefined && !this.connection.closed) {
      return Promise.resolve(this.connection)
    }
    this.opening ??= this.login().finally(() => {
      this.opening = undefined
    })
    return this.opening
  }

  private async login(): Promise<LineConnection> {
    const { monitor, clock, log } = this.options
    const connection = await LineConnection.open({
      host: monitor.host,
      port: monitor.port,
      clock,
      timeoutMs: this.options.timeoutMs ?? 10_000,
      onPush: (words) => this.onPush(words),
      onClose: () => {
        this.currentMode = 'poll'
      },
    })
    try {
      if (this.options.startTls !== false) {
        const tls = await connection.request('STARTTLS')
        if (tls.startsWith('OK')) await connection.startTls()
      }
      const ups = encodeArgument(monitor.ups)
      await expectOk(connection, `USERNAME ${encodeArgument(monitor.user)}`)
      await expectOk(connection, `PASSWORD ${encodeArgument(monitor.password)}`)
      await expectOk(connection, `LOGIN ${ups}`)
      if (monitor.role === 'primary') {
        const reply = await connection.request(`PRIMARY ${ups}`)
        if (!reply.startsWith('OK')) await expectOk(connection, `MASTER ${ups}`)
      }
      if (this.options.push !== false) {
        const watch = await connection.request(`WATCH ${ups}`)
        this.currentMode = watch.startsWith('OK') ? 'push' : 'poll'
      }
    } catch (error) {
      connection.close()
      throw error
    }
    log.info({ ups: monitor.system, mode: this.currentMode }, 'logged in to the UPS')
    this.connection = connection
    return connection
  }

  private onPush(words: string[]): void {
    const [, kind, , name, value] = words
    if (kind === 'VAR' && name?.toLowerCase() === 'ups.status' && value !== undefined) {
      this.pushed = { ok: true, status: value }
    } else if (kind === 'STATE') {
      this.pushed = name === 'OK' ? undefined : { ok: false, reason: `data ${name?.toLowerCase()}` }
    } else {
      return
    }
    this.listener?.()
  }
}

async function expectOk(connection: LineConnection, line: string): Promise<void> {
  const reply = await connection.request(line)
  if (!reply.startsWith('OK')) {
    throw new NutshellError('NS_SERVER_ERROR', `${line.split(' ')[0]}: ${reply}`)
  }
}
