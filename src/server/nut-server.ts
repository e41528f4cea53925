/**
 * The NUT network server (upsd's protocol, RFC 9271): listeners, admission limits, the
 * idle sweep and the state shared between connections. Commands live in commands/.
 */
import { lookup } from 'node:dns/promises'
import { createServer, type Server, type Socket } from 'node:net'
import type { SecureContext } from 'node:tls'
import type { ListenAddress, ServerConfig, UserConfig } from '../config/types.ts'
import { type Clock, sleep, systemClock, type TimerHandle } from '../core/clock.ts'
import { describeError, describeSystemError, NutshellError } from '../core/errors.ts'
import { type Logger, RateLimitedLog, silentLogger } from '../core/log.ts'
import type { DeviceStore } from '../devices/device-store.ts'
import { FailureThrottle, type ThrottleSettings } from './auth-throttle.ts'
import { buildCommandTable, builtinFamilies } from './commands/registry.ts'
import { fail } from './commands/replies.ts'
import type { CommandFamily, Reply, ServerContext, SessionState } from './commands/types.ts'
import { type Descriptions, defaultCmdvartabPath, loadDescriptions } from './descriptions.ts'
import { LoginRegistry } from './login-registry.ts'
import { ReplyCache } from './reply-cache.ts'
import { newServerStats, type ServerStats } from './server-stats.ts'
import { Session, type SessionHost } from './session.ts'
import { loadSecureContext } from './tls-context.ts'
import { TrackingTable } from './tracking.ts'
import { UserDirectory } from './users.ts'
import { nutshellVersionText } from './version.ts'

export interface NutServerOptions {
  store: DeviceStore
  server: ServerConfig
  users: readonly UserConfig[]
  clock?: Clock
  log?: Logger
  /** Extra command families (extensions); their words replace built-in ones of the same name. */
  commands?: readonly CommandFamily[]
  /** Descriptions for GET DESC/CMDDESC; default: NUT's cmdvartab, else our own table. */
  descriptions?: Descriptions
  cmdvartabPath?: string
  /** Text of VER and server.info. */
  versionText?: string
  throttle?: Partial<ThrottleSettings>
}

export interface NutServer {
  start(): Promise<void>
  /** Closes the listeners and every connection. */
  stop(): Promise<void>
  /** The addresses actually bound (port 0 resolved). */
  addresses(): ListenAddress[]
  /** Replaces the users (upsd's reload); open connections keep their USERNAME/PASSWORD. */
  setUsers(users: readonly UserConfig[]): void
  readonly connectionCount: number
  /** Connections accepted, request lines answered and `ERR` replies since start (metrics). */
  stats(): Readonly<ServerStats>
  /** Connections LOGINed to `device` (upsd's NUMLOGINS): the in-process monitor's HOSTSYNC wait. */
  loginCount(device: string): number
  /** Addresses of the connections LOGINed to `device`, as LIST CLIENT gives them. */
  clients(device: string): string[]
}

export function createNutServer(options: NutServerOptions): NutServer {
  return new NutServerImpl(options)
}

class NutServerImpl implements NutServer, SessionHost {
  readonly context: ServerContext
  readonly commands
  readonly limits
  replies: ReplyCache
  readonly counts = newServerStats()
  secureContext: SecureContext | undefined
  private readonly options: NutServerOptions
  private readonly clock: Clock
  private readonly log: Logger
  private readonly users: UserDirectory
  private readonly throttle: FailureThrottle
  private readonly limited: RateLimitedLog
  private readonly sessions = new Set<Session>()
  private readonly perAddress = new Map<string, number>()
  private listeners: Server[] = []
  private sweep: TimerHandle | undefined
  private nextId = 1
  private tlsAvailable = false
  private descriptions: Descriptions | undefined

  constructor(options: NutServerOptions) {
    this.options = options
    this.clock = options.clock ?? systemClock
    this.log = options.log ?? silentLogger()
    this.limits = options.server.limits
    this.users = new UserDirectory(options.users)
    this.throttle = new FailureThrottle(this.clock, options.throttle)
    this.limited = new RateLimitedLog(this.clock, 5, 60_000)
    this.commands = buildCommandTable([...builtinFamilies, ...(options.commands ?? [])])
    this.replies = new ReplyCache(options.store)
    const self = this
    this.context = {
      store: options.store,
      users: this.users,
      tracking: new TrackingTable(this.clock, options.server.trackingDelayMs),
      logins: new LoginRegistry(),
      get descriptions() {
        self.descriptions ??=
          self.options.descriptions ??
          loadDescriptions(self.options.cmdvartabPath ?? defaultCmdvartabPath, self.log)
        return self.descriptions
      },
      config: options.server,
      clock: this.clock,
      log: this.log,
      versionText: options.versionText ?? nutshellVersionText,
      get tlsAvailable() {
        return self.tlsAvailable
      },
      credentialsRefused: (session) => this.credentialsRefused(session),
    }
  }

  stats(): Readonly<ServerStats> {
    return this.counts
  }

  get connectionCount(): number {
    return this.sessions.size
  }

  loginCount(device: string): number {
    const known = this.options.store.get(device)
    return known === undefined ? 0 : this.context.logins.count(known.name)
  }

  clients(device: string): string[] {
    const known = this.options.store.get(device)
    return known === undefined ? [] : this.context.logins.sessions(known.name).map((s) => s.address)
  }

  async start(): Promise<void> {
    // A restarted server subscribes to the store again.
    this.replies.dispose()
    this.replies = new ReplyCache(this.options.store)
    if (this.options.server.tls !== undefined) {
      this.secureContext = loadSecureContext(this.options.server.tls)
      this.tlsAvailable = true
    }
    void this.context.descriptions // read cmdvartab now, not on the first request
    try {
      for (const address of this.options.server.listen) {
        const server = await this.listenOrSkip(address)
        if (server !== undefined) this.listeners.push(server)
      }
      if (this.listeners.length === 0) {
        throw new NutshellError('NS_LISTEN_FAILED', 'no address to listen on could be used')
      }
    } catch (error) {
      await this.stop()
      throw error
    }
    const every = Math.max(20, Math.min(1_000, Math.floor(this.limits.idleTimeoutMs / 4)))
    this.sweep = this.clock.setInterval(() => this.closeIdle(), every)
  }

  async stop(): Promise<void> {
    this.sweep?.cancel()
    this.sweep = undefined
    const closing = this.listeners.map(
      (server) => new Promise<void>((resolve) => server.close(() => resolve())),
    )
    this.listeners = []
    this.replies.dispose()
    for (const session of [...this.sessions]) session.close('server stopping')
    await Promise.all(closing)
  }

  addresses(): ListenAddress[] {
    const result: ListenAddress[] = []
    for (const server of this.listeners) {
      const address = server.address()
      if (address !== null && typeof address === 'object') {
        result.push({ host: address.address, port: address.port })
      }
    }
    return result
  }

  setUsers(users: readonly UserConfig[]): void {
    this.users.replace(users)
  }

  ended(session: Session): void {
    if (!this.sessions.delete(session)) return
    const { address, loginUps } = session.state
    const count = (this.perAddress.get(address) ?? 1) - 1
    if (count <= 0) this.perAddress.delete(address)
    else this.perAddress.set(address, count)
    if (loginUps !== undefined) this.context.logins.remove(loginUps, session.state)
  }

  /**
   * An optional address this host does not have is skipped with a warning; so is an
   * address one of our own listeners already holds (a repeated LISTEN, or `localhost`
   * beside the address it resolves to): upsd 2.8.0 logs "not listening on ..." and serves
   * on what it bound. Any other failure stops the start.
   */
  private async listenOrSkip(address: ListenAddress): Promise<Server | undefined> {
    try {
      return await this.listen(address)
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code
      if (code === 'EADDRINUSE' && (await this.alreadyListening(address))) {
        this.log.warn(
          { host: address.host, port: address.port },
          'already listening there (a repeated LISTEN); not listening on it again',
        )
        return undefined
      }
      if (address.optional === true && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) {
        this.log.warn(
          { host: address.host, port: address.port, code },
          'address not available here; not listening on it',
        )
        return undefined
      }
      throw error
    }
  }

  /** True when one of our listeners holds `address` (as Node resolves it) or its wildcard. */
  private async alreadyListening(address: ListenAddress): Promise<boolean> {
    const resolved = await lookup(address.host).catch(() => undefined)
    if (resolved === undefined) return false
    const wildcard = resolved.family === 6 ? '::' : '0.0.0.0'
    return this.listeners.some((server) => {
      const bound = server.address()
      return (
        bound !== null &&
        typeof bound === 'object' &&
        bound.port === address.port &&
        (bound.address === resolved.address || bound.address === wildcard)
      )
    })
  }

  private listen(address: ListenAddress): Promise<Server> {
    return new Promise((resolve, reject) => {
      const server = createServer({ noDelay: true }, (socket) => this.accept(socket))
      const onStartError = (error: Error): void => {
        reject(
          new NutshellError(
            'NS_LISTEN_FAILED',
            `cannot listen on ${address.host} port ${address.port}: ${describeSystemError(error)}`,
            { cause: error },
          ),
        )
      }
      server.once('error', onStartError)
      server.listen(
        { host: address.host, port: address.port, ipv6Only: address.host.includes(':') },
        () => {
          server.off('error', onStartError)
          // Accept failures (EMFILE, ENFILE, ...) must never take the server down.
          server.on('error', (error) =>
            this.warnLimited('accept', { error: describeError(error) }, 'accept failed'),
          )
          resolve(server)
        },
      )
    })
  }

  private accept(socket: Socket): void {
    const address = socket.remoteAddress
    if (address === undefined) {
      socket.destroy()
      return
    }
    socket.on('error', () => {}) // until the session owns it
    const fromAddress = this.perAddress.get(address) ?? 0
    if (this.sessions.size >= this.limits.maxConnections) {
      this.warnLimited(
        'maxconn',
        { address, limit: this.limits.maxConnections },
        'too many connections; refusing',
      )
      socket.destroy()
      return
    }
    if (fromAddress >= this.limits.maxConnectionsPerAddress) {
      this.warnLimited(
        'peraddr',
        { address, limit: this.limits.maxConnectionsPerAddress },
        'too many connections from one address; refusing',
      )
      socket.destroy()
      return
    }
    socket.setNoDelay(true)
    this.perAddress.set(address, fromAddress + 1)
    this.counts.connections++
    const session = new Session(this.nextId++, socket, address, this)
    this.sessions.add(session)
    if (session.isClosed) this.ended(session)
  }

  private closeIdle(): void {
    const cutoff = this.clock.now() - this.limits.idleTimeoutMs
    for (const session of this.sessions) {
      if (session.lastLine < cutoff) session.close('idle timeout')
    }
  }

  private async credentialsRefused(session: SessionState): Promise<Reply> {
    const delay = this.throttle.recordFailure(session.address)
    const suppressed = this.limited.allow('auth')
    if (suppressed >= 0) {
      this.log.warn(
        {
          address: session.address,
          user: session.username,
          failures: this.throttle.failures(session.address),
          suppressed,
        },
        'authorisation failed: unknown user or wrong password',
      )
    }
    if (delay > 0) await sleep(this.clock, delay)
    return fail('ACCESS-DENIED')
  }

  noteLimited(key: string, fields: Record<string, unknown>, message: string): void {
    const suppressed = this.limited.allow(key)
    if (suppressed >= 0) this.log.info({ ...fields, suppressed }, message)
  }

  private warnLimited(key: string, fields: Record<string, unknown>, message: string): void {
    const suppressed = this.limited.allow(key)
    if (suppressed >= 0) this.log.warn({ ...fields, suppressed }, message)
  }
}
