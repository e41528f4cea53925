/**
 * NutClient: a promise API over NUT's network protocol (reference: nut-protocol.md 1.5),
 * for talking to upsd or to nutshell. Every method sends one request; several may be in
 * flight at once and are answered in order. Replies are checked as libupsclient checks
 * them (echoed words, BEGIN/END LIST); a reply that breaks the protocol ends the connection.
 *
 * Errors: `NutServerError` for `ERR <WORD>` replies (the connection stays usable),
 * `NutClientError` (NS_CLIENT_CONNECT / PROTOCOL / TIMEOUT / CLOSED / TLS) otherwise.
 * Usage and examples: docs/tools.md.
 */
import { type Clock, sleep, systemClock } from '../core/clock.ts'
import { encodeLine } from '../protocol/encode.ts'
import { defaultNutHost, defaultNutPort } from './address.ts'
import { Connection, type PushFilter, type ReplyShape } from './connection.ts'
import { NutClientError, NutServerError } from './errors.ts'
import type { ReplyLine } from './reply.ts'
import type { NutTlsOptions, TlsMode } from './tls.ts'
import {
  type Accepted,
  atoi,
  decodeType,
  type NamedValue,
  type Range,
  type TrackingStatus,
  type UpsEntry,
  type VariableType,
} from './types.ts'

export {
  type Accepted,
  atoi,
  decodeType,
  type NamedValue,
  type Range,
  type TrackingStatus,
  type UpsEntry,
  type VariableType,
}

export interface NutClientOptions {
  /** Default 'localhost' (every address it resolves to is tried in turn). */
  host?: string
  /** Default 3493. */
  port?: number
  /** 'off' (default), 'try' (as upsc: plain text when refused) or 'require'. */
  tls?: TlsMode
  tlsOptions?: NutTlsOptions
  /** How long a reply may take, per request. Default 10 s. */
  timeoutMs?: number
  /** How long connecting (all addresses, and the TLS handshake) may take. Default 10 s. */
  connectTimeoutMs?: number
  /** Longest reply line accepted. Default 64 KiB. */
  maxLineLength?: number
  /** Restrict name resolution to IPv4 (4) or IPv6 (6). Default: both (0). */
  family?: 0 | 4 | 6
  clock?: Clock
}

const trackingResults = new Set<string>([
  'PENDING',
  'SUCCESS',
  'ERR UNKNOWN',
  'ERR INVALID-ARGUMENT',
  'ERR FAILED',
])

export class NutClient {
  readonly host: string
  readonly port: number
  private readonly connection: Connection
  private readonly clock: Clock

  private constructor(connection: Connection, host: string, port: number, clock: Clock) {
    this.connection = connection
    this.host = host
    this.port = port
    this.clock = clock
  }

  /** Connects (and, unless tls is 'off', negotiates STARTTLS). */
  static async connect(options: NutClientOptions = {}): Promise<NutClient> {
    const host = options.host ?? defaultNutHost
    const port = options.port ?? defaultNutPort
    const clock = options.clock ?? systemClock
    const connection = await Connection.open({
      host,
      port,
      tls: options.tls ?? 'off',
      tlsOptions: options.tlsOptions ?? {},
      timeoutMs: options.timeoutMs ?? 10_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      maxLineLength: options.maxLineLength ?? 64 * 1024,
      family: options.family ?? 0,
      clock,
    })
    return new NutClient(connection, host, port, clock)
  }

  /** True once STARTTLS succeeded. */
  get secure(): boolean {
    return this.connection.isSecure
  }

  get closed(): boolean {
    return this.connection.isClosed
  }

  /** Calls `listener` once when the connection ends. Returns an unsubscribe function. */
  onClose(listener: (error: NutClientError | undefined) => void): () => void {
    return this.connection.onClose(listener)
  }

  /**
   * Hook for a push extension: lines `filter.matches` are handed to `filter.deliver` and
   * never matched to a request. `undefined` removes it.
   */
  setPushFilter(filter: PushFilter | undefined): void {
    this.connection.pushFilter = filter
  }

  /**
   * Lines that arrive while no request is pending go to `listener` instead of ending the
   * connection as a protocol violation. `undefined` restores the strict default.
   */
  setUnsolicitedListener(listener: ((line: ReplyLine) => void) | undefined): void {
    this.connection.onUnsolicited = listener
  }

  // ---- raw access -------------------------------------------------------------------

  /** Sends any request (words are encoded) and returns its one reply line. */
  async request(words: readonly string[], timeoutMs?: number): Promise<ReplyLine> {
    return this.one(words, { kind: 'line' }, timeoutMs)
  }

  /** Sends `LIST <query…>` and returns the item lines. */
  async requestList(query: readonly string[], timeoutMs?: number): Promise<ReplyLine[]> {
    return this.connection.send(encodeLine(['LIST', ...query]), { kind: 'list', query }, timeoutMs)
  }

  private async one(
    words: readonly string[],
    shape: ReplyShape,
    timeoutMs?: number,
  ): Promise<ReplyLine> {
    const [line] = await this.connection.send(encodeLine(words), shape, timeoutMs)
    if (line === undefined) throw this.protocol('empty reply')
    return line
  }

  private protocol(message: string): NutClientError {
    const error = new NutClientError('NS_CLIENT_PROTOCOL', message)
    this.connection.destroy(error)
    return error
  }

  /** `GET <what…>`: checks the echo and returns the words after it. */
  private async get(query: readonly string[]): Promise<string[]> {
    const line = await this.one(['GET', ...query], { kind: 'line' })
    const echo = query.length
    const matches =
      line.words.length > echo &&
      query.every((word, i) => line.words[i]?.toLowerCase() === word.toLowerCase())
    if (!matches) throw this.protocol(`reply does not echo GET ${query.join(' ')}: ${line.raw}`)
    return line.words.slice(echo)
  }

  private async ok(words: readonly string[]): Promise<string> {
    const line = await this.one(words, { kind: 'line' })
    if (line.words[0] !== 'OK') throw this.protocol(`expected OK, got: ${line.raw}`)
    return line.raw
  }

  // ---- session ----------------------------------------------------------------------

  async username(name: string): Promise<void> {
    await this.ok(['USERNAME', name])
  }

  async password(password: string): Promise<void> {
    await this.ok(['PASSWORD', password])
  }

  /** USERNAME then PASSWORD, pipelined. */
  async authenticate(name: string, password: string): Promise<void> {
    await Promise.all([this.username(name), this.password(password)])
  }

  /** LOGIN: counts this connection as a client of `ups` (NUMLOGINS, LIST CLIENT). */
  async login(ups: string): Promise<void> {
    await this.ok(['LOGIN', ups])
  }

  /**
   * PRIMARY, falling back to MASTER (servers before NUT 2.8.0) when refused, as upsmon.
   * Resolves with the word that was granted.
   */
  async primary(ups: string): Promise<'PRIMARY' | 'MASTER'> {
    try {
      await this.ok(['PRIMARY', ups])
      return 'PRIMARY'
    } catch (error) {
      if (!(error instanceof NutServerError)) throw error
    }
    await this.ok(['MASTER', ups])
    return 'MASTER'
  }

  /** FSD: sets the forced-shutdown flag of `ups` on the server. */
  async fsd(ups: string): Promise<void> {
    await this.ok(['FSD', ups])
  }

  // ---- reading ----------------------------------------------------------------------

  async getVar(ups: string, name: string): Promise<string> {
    return (await this.get(['VAR', ups, name]))[0] ?? ''
  }

  async getType(ups: string, name: string): Promise<VariableType> {
    return decodeType(await this.get(['TYPE', ups, name]))
  }

  async getDescription(ups: string, name: string): Promise<string> {
    return (await this.get(['DESC', ups, name]))[0] ?? ''
  }

  async getCommandDescription(ups: string, command: string): Promise<string> {
    return (await this.get(['CMDDESC', ups, command]))[0] ?? ''
  }

  async getUpsDescription(ups: string): Promise<string> {
    return (await this.get(['UPSDESC', ups]))[0] ?? ''
  }

  async getNumLogins(ups: string): Promise<number> {
    const [text = ''] = await this.get(['NUMLOGINS', ups])
    const count = Number(text)
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(count)) {
      throw this.protocol(`NUMLOGINS is not a count: ${text}`)
    }
    return count
  }

  /** `GET TRACKING`: whether this connection has tracking on. */
  async getTrackingMode(): Promise<boolean> {
    const line = await this.one(['GET', 'TRACKING'], { kind: 'line' })
    if (line.raw === 'ON') return true
    if (line.raw === 'OFF') return false
    throw this.protocol(`expected ON or OFF, got: ${line.raw}`)
  }

  /** `GET TRACKING <id>`: the status of a tracked SET or INSTCMD. */
  async getTracking(id: string, timeoutMs?: number): Promise<TrackingStatus> {
    const line = await this.one(['GET', 'TRACKING', id], { kind: 'raw' }, timeoutMs)
    if (trackingResults.has(line.raw)) return line.raw as TrackingStatus
    if (line.words[0] === 'ERR')
      throw new NutServerError(line.words[1] ?? '', line.raw, 'GET TRACKING')
    throw this.protocol(`unexpected tracking status: ${line.raw}`)
  }

  async listUps(): Promise<UpsEntry[]> {
    const items = await this.list(['UPS'], 3)
    return items.map((w) => ({ name: w[1] ?? '', description: w[2] ?? '' }))
  }

  /** All variables of `ups`, in the server's order (upsd: by name). */
  async listVars(ups: string): Promise<NamedValue[]> {
    const items = await this.list(['VAR', ups], 4)
    return items.map((w) => ({ name: w[2] ?? '', value: w[3] ?? '' }))
  }

  /** The writable variables of `ups`, with their values. */
  async listRw(ups: string): Promise<NamedValue[]> {
    const items = await this.list(['RW', ups], 4)
    return items.map((w) => ({ name: w[2] ?? '', value: w[3] ?? '' }))
  }

  async listCommands(ups: string): Promise<string[]> {
    const items = await this.list(['CMD', ups], 3)
    return items.map((w) => w[2] ?? '')
  }

  async listEnum(ups: string, name: string): Promise<string[]> {
    const items = await this.list(['ENUM', ups, name], 4)
    return items.map((w) => w[3] ?? '')
  }

  /** Ranges as upsd sends them (quoted integers), read as C's atoi would. */
  async listRange(ups: string, name: string): Promise<Range[]> {
    const items = await this.list(['RANGE', ups, name], 5)
    return items.map((w) => ({ min: atoi(w[3] ?? ''), max: atoi(w[4] ?? '') }))
  }

  /** Addresses of the connections that did LOGIN on `ups`. */
  async listClients(ups: string): Promise<string[]> {
    const items = await this.list(['CLIENT', ups], 3)
    return items.map((w) => w[2] ?? '')
  }

  private async list(query: readonly string[], minWords: number): Promise<string[][]> {
    const items = await this.requestList(query)
    const short = items.find((item) => item.words.length < minWords)
    if (short !== undefined) throw this.protocol(`list item too short: ${short.raw}`)
    return items.map((item) => item.words)
  }

  // ---- writing ----------------------------------------------------------------------

  /** SET TRACKING ON|OFF for this connection (needs USERNAME and PASSWORD first). */
  async setTracking(on: boolean): Promise<void> {
    await this.ok(['SET', 'TRACKING', on ? 'ON' : 'OFF'])
  }

  /** SET VAR. `OK` means forwarded to the driver, not applied: use tracking to know. */
  async setVar(ups: string, name: string, value: string): Promise<Accepted> {
    return accepted(await this.ok(['SET', 'VAR', ups, name, value]))
  }

  /** INSTCMD with an optional parameter (NUT 2.8.0). */
  async instcmd(ups: string, command: string, parameter?: string): Promise<Accepted> {
    const words = ['INSTCMD', ups, command, ...(parameter === undefined ? [] : [parameter])]
    return accepted(await this.ok(words))
  }

  /**
   * Polls `GET TRACKING id` until it is no longer PENDING: at once, then every
   * `intervalMs` (1 s, as upsrw/upscmd). Throws NS_CLIENT_TIMEOUT after `timeoutMs`.
   */
  async waitForTracking(
    id: string,
    options: { timeoutMs?: number; intervalMs?: number } = {},
  ): Promise<Exclude<TrackingStatus, 'PENDING'>> {
    const timeoutMs = options.timeoutMs ?? 10_000
    const intervalMs = options.intervalMs ?? 1000
    const start = this.clock.now()
    for (;;) {
      if (this.clock.now() - start >= timeoutMs) {
        throw new NutClientError(
          'NS_CLIENT_TIMEOUT',
          `tracking ${id} still pending after ${timeoutMs} ms`,
        )
      }
      const status = await this.getTracking(id)
      if (status !== 'PENDING') return status
      await sleep(this.clock, intervalMs)
    }
  }

  // ---- ending -----------------------------------------------------------------------

  /**
   * LOGOUT: the server answers (`OK Goodbye`; older servers `Goodbye...`) and closes the
   * connection. Resolves with the answer.
   */
  async logout(timeoutMs?: number): Promise<string> {
    const line = await this.one(['LOGOUT'], { kind: 'raw' }, timeoutMs)
    if (line.words[0] === 'ERR') throw new NutServerError(line.words[1] ?? '', line.raw, 'LOGOUT')
    return line.raw
  }

  /** LOGOUT, then close. Never throws; the connection is gone afterwards. */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.connection.isClosed) return
    try {
      await this.one(['LOGOUT'], { kind: 'raw' }, timeoutMs)
    } catch {
      // closing anyway
    }
    this.connection.destroy()
  }

  /**
   * Sends LOGOUT and closes without waiting for the answer, as NUT's tools do at exit.
   * Requests still pending fail with NS_CLIENT_CLOSED.
   */
  quit(): void {
    this.connection.quit('LOGOUT')
  }

  /** Closes at once, without LOGOUT; pending requests fail with NS_CLIENT_CLOSED. */
  destroy(): void {
    this.connection.destroy()
  }
}

function accepted(reply: string): Accepted {
  const match = /^OK TRACKING (\S+)$/.exec(reply)
  return match?.[1] === undefined ? { reply } : { reply, trackingId: match[1] }
}
