/**
 * apcupsd's Network Information Server for one nutshell device (apcupsd serves one UPS
 * per daemon): `status` answers the report apcaccess and apcupsd's network clients read,
 * `events` the recent power events, anything else `Invalid command` as apcupsd does
 * (reference: integrations.md 1.1). Several requests may share a connection.
 *
 * Limits: connections in all and per address, an idle timeout, and a bounded request
 * reader (a longer message closes the connection: NIS cannot resynchronise a stream).
 */

import { createServer, type Server, type Socket } from 'node:net'
import { hostname } from 'node:os'
import type { Clock, TimerHandle } from '../../core/clock.ts'
import { describeError, NutshellError } from '../../core/errors.ts'
import type { Logger } from '../../core/log.ts'
import type { Device } from '../../devices/device.ts'
import type { DeviceStore } from '../../devices/device-store.ts'
import { withFsdPrefix } from '../../devices/status.ts'
import { encodeNisMessage, NisReader, nisEnd } from '../../protocol/apcupsd-nis/framing.ts'
import { formatStatusReport, type NisSnapshot } from '../../protocol/apcupsd-nis/report.ts'
import { PowerHistory } from './power-history.ts'

export interface NisLimits {
  maxConnections: number
  maxConnectionsPerAddress: number
  idleTimeoutMs: number
  maxRequestLength: number
}

export const defaultNisLimits: NisLimits = {
  maxConnections: 64,
  maxConnectionsPerAddress: 16,
  idleTimeoutMs: 60_000,
  maxRequestLength: 64,
}

export interface NisThresholds {
  chargePercent?: number
  runtimeMinutes?: number
  timeoutSeconds?: number
}

/** What the face reports to the metrics (face `apcupsd-nis`). */
export interface NisStats {
  connectionOpened(): void
  connectionClosed(): void
  request(): void
  error(kind: string): void
}

export interface NisServerOptions {
  store: DeviceStore
  device: string
  host: string
  port: number
  clock: Clock
  log: Logger
  version: string
  limits?: Partial<NisLimits>
  thresholds?: NisThresholds
  stats?: NisStats
}

const invalidCommand = 'Invalid command\n\0'
const notAvailable = 'Not available\n\0'
const internalError = 'Apcupsd internal error\n\0'

export class NisServer {
  private readonly options: NisServerOptions
  private readonly limits: NisLimits
  private readonly history: PowerHistory
  private readonly sockets = new Set<Socket>()
  private readonly perAddress = new Map<string, number>()
  private readonly hostName = hostname()
  private server: Server | undefined
  private boundPort = 0

  constructor(options: NisServerOptions) {
    this.options = options
    this.limits = { ...defaultNisLimits, ...options.limits }
    this.history = new PowerHistory({
      store: options.store,
      device: options.device,
      clock: options.clock,
      utcOffsetMinutes: utcOffset(),
    })
  }

  get port(): number {
    return this.boundPort
  }

  async start(): Promise<void> {
    const server = createServer((socket) => this.accept(socket))
    server.maxConnections = this.limits.maxConnections
    server.on('drop', () => this.options.stats?.error('connection-limit'))
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(
          new NutshellError(
            'NS_LISTEN_FAILED',
            `apcupsd NIS: cannot listen on ${this.options.host}:${this.options.port}: ${error.message}`,
            { cause: error },
          ),
        ),
      )
      server.listen(this.options.port, this.options.host, () => {
        server.removeAllListeners('error')
        resolve()
      })
    })
    server.on('error', (error) =>
      this.options.log.error({ err: error }, 'apcupsd NIS server error'),
    )
    this.server = server
    const address = server.address()
    this.boundPort = typeof address === 'object' && address !== null ? address.port : 0
    this.options.log.info(
      { host: this.options.host, port: this.boundPort, device: this.options.device },
      'apcupsd NIS listening',
    )
  }

  async stop(): Promise<void> {
    this.history.stop()
    for (const socket of this.sockets) socket.destroy()
    const server = this.server
    this.server = undefined
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** The `status` report as it would be sent now (also for tests and the bench). */
  statusRecords(): string[] | undefined {
    const device = this.options.store.get(this.options.device)
    return device === undefined ? undefined : formatStatusReport(this.snapshot(device))
  }

  private snapshot(device: Device): NisSnapshot {
    const clock = this.options.clock
    const variables = new Map<string, string>()
    for (const v of device.listVariables()) {
      const lower = v.name.toLowerCase()
      variables.set(
        lower,
        lower === 'ups.status' && device.fsdLatched ? withFsdPrefix(v.value) : v.value,
      )
    }
    if (device.fsdLatched && !variables.has('ups.status')) variables.set('ups.status', 'FSD')
    const wall = clock.wallNow()
    const lastUpdate =
      device.lastUpdate > 0 ? wall - Math.max(0, clock.now() - device.lastUpdate) : wall
    const t = this.options.thresholds ?? {}
    return {
      upsName: device.name,
      hostname: this.hostName,
      version: `${this.options.version} (nutshell)`,
      variables,
      commLost: device.commState !== 'ok',
      startTime: this.history.startTime,
      lastUpdate: new Date(lastUpdate),
      now: new Date(wall),
      utcOffsetMinutes: utcOffset(),
      transfers: this.history.figures(),
      thresholds: {
        ...(t.chargePercent === undefined ? {} : { chargePercent: t.chargePercent }),
        ...(t.runtimeMinutes === undefined ? {} : { runtimeMinutes: t.runtimeMinutes }),
        ...(t.timeoutSeconds === undefined ? {} : { timeoutSeconds: t.timeoutSeconds }),
      },
    }
  }

  private accept(socket: Socket): void {
    const stats = this.options.stats
    const address = socket.remoteAddress ?? '?'
    const open = this.perAddress.get(address) ?? 0
    if (open >= this.limits.maxConnectionsPerAddress) {
      stats?.error('connection-limit')
      socket.destroy()
      return
    }
    this.perAddress.set(address, open + 1)
    this.sockets.add(socket)
    stats?.connectionOpened()
    socket.setNoDelay(true)
    const reader = new NisReader(this.limits.maxRequestLength)
    let idle: TimerHandle | undefined
    const armIdle = () => {
      idle?.cancel()
      idle = this.options.clock.setTimeout(() => socket.destroy(), this.limits.idleTimeoutMs)
    }
    armIdle()
    socket.on('data', (chunk: Uint8Array) => {
      armIdle()
      for (const item of reader.push(chunk)) {
        if (item.kind === 'too-long') {
          stats?.error('too-long')
          socket.destroy()
          return
        }
        if (item.kind === 'end') continue
        stats?.request()
        socket.write(this.answer(new TextDecoder('latin1').decode(item.bytes)))
      }
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      idle?.cancel()
      this.sockets.delete(socket)
      stats?.connectionClosed()
      const left = (this.perAddress.get(address) ?? 1) - 1
      if (left > 0) this.perAddress.set(address, left)
      else this.perAddress.delete(address)
    })
  }

  /** One reply: every line its own message, then the empty message. */
  private answer(request: string): Uint8Array {
    let lines: readonly string[]
    try {
      if (request === 'status') {
        const records = this.statusRecords()
        lines = records ?? [internalError]
      } else if (request === 'events') {
        const events = this.history.events()
        lines = events.length > 0 ? events : [notAvailable]
      } else {
        this.options.stats?.error('invalid-command')
        lines = [invalidCommand]
      }
    } catch (error) {
      this.options.log.error({ err: describeError(error) }, 'apcupsd NIS report failed')
      lines = [internalError]
    }
    const parts = [...lines.map((line) => encodeNisMessage(line)), nisEnd]
    const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
    let at = 0
    for (const part of parts) {
      out.set(part, at)
      at += part.length
    }
    return out
  }
}

/** Minutes east of UTC now (apcupsd prints local time with %z). */
function utcOffset(): number {
  return -new Date().getTimezoneOffset()
}
