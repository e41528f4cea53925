import { isNutServerError } from '../client/errors.ts'
import { NutClient } from '../client/nut-client.ts'
import type { MonitoredUps } from '../config/types.ts'
import type { Clock } from '../core/clock.ts'
import { describeError, NutshellError } from '../core/errors.ts'
import type { Logger } from '../core/log.ts'
import type { LinkTls } from './tls-settings.ts'
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
  /** TLS mode and verification from upsmon.conf's CERT* / FORCESSL (default: try, no verify). */
  tls?: LinkTls
  timeoutMs?: number
}

export class RemoteLink implements UpsLink {
  private currentMode: 'poll' | 'push' = 'poll'
  private connection: NutClient | undefined
  private opening: Promise<NutClient> | undefined
  /** The last pushed state (undefined after `STATE OK`: ask the server). */
  private latestPush: Observation | undefined
  /** Pushes received, and how many of them a read has already returned. */
  private pushes = 0
  private consumed = 0
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
    if (this.pushes !== this.consumed && this.latestPush !== undefined) {
      this.consumed = this.pushes
      return this.latestPush
    }
    const before = this.pushes
    let polled: Observation
    try {
      const client = await this.open()
      polled = { ok: true, status: await client.getVar(this.options.monitor.ups, 'ups.status') }
    } catch (error) {
      // ERR DATA-STALE and the like keep the connection; a broken one is opened again.
      polled = { ok: false, reason: describeError(error) }
    }
    // A change pushed while the GET was under way is newer than its answer.
    if (this.pushes !== before && this.latestPush !== undefined) {
      this.consumed = this.pushes
      return this.latestPush
    }
    return polled
  }

  subscribe(listener: () => void): () => void {
    this.listener = listener
    return () => {
      this.listener = undefined
    }
  }

  async setFsd(): Promise<void> {
    await (await this.open()).fsd(this.options.monitor.ups)
  }

  async otherLogins(): Promise<number> {
    try {
      const count = await (await this.open()).getNumLogins(this.options.monitor.ups)
      // The server counts this monitor's own LOGIN too.
      return Math.max(0, count - 1)
    } catch {
      return 0
    }
  }

  /** Drops the connection without LOGOUT, as upsmon's exiting child does. */
  close(): Promise<void> {
    this.closed = true
    // Not close(): that sends LOGOUT, and upsmon's exiting child never does.
    this.connection?.destroy()
    this.connection = undefined
    return Promise.resolve()
  }

  private open(): Promise<NutClient> {
    if (this.closed) return Promise.reject(new NutshellError('NS_CLIENT_CLOSED', 'link closed'))
    if (this.connection !== undefined && !this.connection.closed) {
      return Promise.resolve(this.connection)
    }
    this.opening ??= this.login().finally(() => {
      this.opening = undefined
    })
    return this.opening
  }

  private async login(): Promise<NutClient> {
    const { monitor, clock, log } = this.options
    const client = await NutClient.connect({
      host: monitor.host,
      port: monitor.port,
      // upsmon tries STARTTLS first and goes on in plain text when refused.
      tls: this.options.startTls === false ? 'off' : (this.options.tls?.mode ?? 'try'),
      tlsOptions: this.options.tls?.options ?? {},
      timeoutMs: this.options.timeoutMs ?? 10_000,
      connectTimeoutMs: this.options.timeoutMs ?? 10_000,
      clock,
    })
    client.setPushFilter({
      matches: (line) => line.words[0] === 'PUSH',
      deliver: (line) => this.onPush(line.words),
    })
    client.onClose(() => {
      this.currentMode = 'poll'
    })
    try {
      await client.username(monitor.user)
      await client.password(monitor.password)
      await client.login(monitor.ups)
      if (monitor.role === 'primary') await client.primary(monitor.ups)
      if (this.options.push !== false) this.currentMode = await watch(client, monitor.ups)
    } catch (error) {
      client.destroy()
      throw error
    }
    log.info({ ups: monitor.system, mode: this.currentMode }, 'logged in to the UPS')
    this.connection = client
    return client
  }

  private onPush(words: string[]): void {
    const [, kind, , name, value] = words
    if (kind === 'VAR' && name?.toLowerCase() === 'ups.status' && value !== undefined) {
      this.latestPush = { ok: true, status: value }
    } else if (kind === 'STATE') {
      this.latestPush =
        name === 'OK' ? undefined : { ok: false, reason: `data ${name?.toLowerCase()}` }
    } else {
      return
    }
    this.pushes++
    this.listener?.()
  }
}

/** Asks for pushed changes; real upsd answers ERR UNKNOWN-COMMAND: then poll. */
async function watch(client: NutClient, ups: string): Promise<'push' | 'poll'> {
  try {
    await client.request(['WATCH', ups])
    return 'push'
  } catch (error) {
    if (isNutServerError(error)) return 'poll'
    throw error
  }
}
