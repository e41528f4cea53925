/**
 * nutshell's devices as NUT driver state sockets: for each device a listening AF_UNIX
 * socket `STATEPATH/nutshell-<ups>` speaking the driver side of the protocol, so a real
 * upsd with `driver = nutshell` in its ups.conf serves the device to its clients,
 * SET and INSTCMD with tracking included (reference: nut-protocol.md section 2).
 */
import { chmod, lstat, unlink } from 'node:fs/promises'
import { createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { type Clock, systemClock } from '../../core/clock.ts'
import { describeError, describeSystemError, NutshellError } from '../../core/errors.ts'
import { type Logger, RateLimitedLog, silentLogger } from '../../core/log.ts'
import { driverCodeFromOutcome } from '../../devices/command-result.ts'
import type { Device, DeviceChange } from '../../devices/device.ts'
import type { DeviceStore } from '../../devices/device-store.ts'
import {
  type DriverToServerMessage,
  encodeSocketMessages,
  parseSocketLine,
  type ServerToDriverMessage,
} from '../../protocol/driver-socket.ts'
import { LineFramer } from '../../protocol/line-framer.ts'
import { dumpMessages, variableMessages } from './dump.ts'
import { DeviceShadow } from './shadow.ts'

export interface DriverSocketServerOptions {
  store: DeviceStore
  /** Directory for the sockets (upsd's STATEPATH). */
  statePath: string
  /** The `driver =` name upsd will be given; sockets are `<driverName>-<ups>`. */
  driverName?: string
  /** Devices to expose (names); default every device, including ones added later. */
  devices?: readonly string[]
  log?: Logger
  /** For the log rate limit only. */
  clock?: Clock
  /** Socket file mode (default 0660, as NUT's drivers). */
  mode?: number
  maxConnections?: number
  maxLineLength?: number
  /** A client that does not read is dropped once this much output waits for it. */
  maxOutputQueueBytes?: number
}

interface Client {
  socket: Socket
  framer: LineFramer
  broadcast: boolean
}

interface Exposed {
  device: Device
  path: string
  server: Server
  shadow: DeviceShadow
  clients: Set<Client>
}

export class DriverSocketServer {
  private readonly options: DriverSocketServerOptions
  private readonly log: Logger
  private readonly limited: RateLimitedLog
  private readonly exposed = new Map<string, Exposed>()
  private unsubscribe: (() => void) | undefined

  constructor(options: DriverSocketServerOptions) {
    this.options = options
    this.log = options.log ?? silentLogger()
    this.limited = new RateLimitedLog(options.clock ?? systemClock, 2, 60_000)
  }

  /** `STATEPATH/<driverName>-<ups>` */
  socketPath(ups: string): string {
    return join(this.options.statePath, `${this.options.driverName ?? 'nutshell'}-${ups}`)
  }

  async start(): Promise<void> {
    this.unsubscribe = this.options.store.onChange((change) => this.onChange(change))
    for (const device of this.options.store.list()) {
      if (this.wants(device.name)) await this.expose(device)
    }
  }

  private wants(name: string): boolean {
    const wanted = this.options.devices
    return wanted === undefined || wanted.some((n) => n.toLowerCase() === name.toLowerCase())
  }

  async stop(): Promise<void> {
    this.unsubscribe?.()
    this.unsubscribe = undefined
    await Promise.all([...this.exposed.keys()].map((key) => this.unexpose(key)))
  }

  private async expose(device: Device): Promise<void> {
    const key = device.name.toLowerCase()
    if (this.exposed.has(key)) return
    const path = this.socketPath(device.name)
    await removeStaleSocket(path)
    const entry: Exposed = {
      device,
      path,
      server: createServer((socket) => this.onConnection(entry, socket)),
      shadow: new DeviceShadow(device),
      clients: new Set(),
    }
    this.exposed.set(key, entry)
    try {
      await new Promise<void>((resolve, reject) => {
        entry.server.once('error', reject)
        entry.server.listen(path, () => {
          entry.server.off('error', reject)
          resolve()
        })
      })
      await chmod(path, this.options.mode ?? 0o660)
    } catch (error) {
      this.exposed.delete(key)
      entry.server.close()
      throw new NutshellError(
        'NS_LISTEN_FAILED',
        `cannot create ${path}: ${describeSystemError(error)}`,
      )
    }
    entry.server.on('error', (error) => {
      if (this.limited.allow(`error-${key}`) >= 0) {
        this.log.warn({ path, err: error.message }, 'driver socket error')
      }
    })
    this.log.info({ device: device.name, path }, 'driver socket ready')
  }

  private async unexpose(key: string): Promise<void> {
    const entry = this.exposed.get(key)
    if (entry === undefined) return
    this.exposed.delete(key)
    for (const client of entry.clients) client.socket.destroy()
    await new Promise<void>((resolve) => entry.server.close(() => resolve()))
    await unlink(entry.path).catch(() => {})
  }

  private onChange(change: DeviceChange): void {
    if (change.kind === 'device-added') {
      const device = this.options.store.get(change.device)
      if (device !== undefined && this.wants(device.name)) {
        this.expose(device).catch((error: unknown) =>
          this.log.warn({ device: change.device, err: describeError(error) }, 'cannot expose'),
        )
      }
      return
    }
    const key = change.device.toLowerCase()
    if (change.kind === 'device-removed') {
      void this.unexpose(key)
      return
    }
    const entry = this.exposed.get(key)
    if (entry === undefined) return
    const messages = entry.shadow.update(change)
    if (messages.length === 0) return
    const text = encodeSocketMessages(messages)
    for (const client of entry.clients) if (client.broadcast) this.write(client, text)
  }

  private onConnection(entry: Exposed, socket: Socket): void {
    if (entry.clients.size >= (this.options.maxConnections ?? 32)) {
      socket.destroy()
      return
    }
    const client: Client = {
      socket,
      framer: new LineFramer(this.options.maxLineLength ?? 4096),
      broadcast: true,
    }
    entry.clients.add(client)
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      client.framer.push(chunk, {
        line: (line) => this.onLine(entry, client, line),
        overflow: () => {}, // skipped up to its LF, like any line a driver would not understand
      })
    })
    socket.on('error', () => {})
    socket.on('close', () => entry.clients.delete(client))
  }

  private onLine(entry: Exposed, client: Client, line: string): void {
    const result = parseSocketLine(line)
    if (!result.ok) return // NUT's drivers ignore what they do not understand
    const message = result.message
    switch (message.type) {
      case 'DUMPALL':
        this.send(client, dumpMessages(entry.device))
        return
      case 'PING':
        this.send(client, [{ type: 'PONG' }])
        return
      case 'SET':
      case 'INSTCMD':
        this.runRequest(entry.device, client, message)
        return
      case 'GETPID':
        this.send(client, [{ type: 'PID', pid: process.pid }])
        return
      case 'LOGOUT':
        this.send(client, [{ type: 'OK', text: 'Goodbye' }])
        client.socket.end()
        return
      case 'DUMPVALUE':
      case 'DUMPSTATUS': {
        const name = message.type === 'DUMPSTATUS' ? 'ups.status' : message.name
        const variable = entry.device.getVariable(name)
        if (variable !== undefined) this.send(client, variableMessages(variable).slice(0, 1))
        return
      }
      case 'NOBROADCAST':
        client.broadcast = false
        return
      case 'BROADCAST':
        client.broadcast = message.level >= 1
        return
      default:
        return // a driver-side message sent to us: ignored, as a driver would
    }
  }

  private runRequest(
    device: Device,
    client: Client,
    message: Extract<ServerToDriverMessage, { type: 'SET' | 'INSTCMD' }>,
  ): void {
    const tracking = message.tracking
    const answer = (code: number): void => {
      if (tracking !== undefined) this.send(client, [{ type: 'TRACKING', id: tracking, code }])
    }
    if (message.type === 'INSTCMD' && !device.hasCommand(message.name)) {
      answer(1) // as a driver: a command it does not know
      return
    }
    const outcome =
      message.type === 'SET'
        ? device.requestSet(message.name, message.value)
        : device.requestInstantCommand(message.name, message.parameter)
    outcome.then(
      (result) => answer(driverCodeFromOutcome(result)),
      () => answer(3),
    )
  }

  private send(client: Client, messages: DriverToServerMessage[]): void {
    this.write(client, encodeSocketMessages(messages))
  }

  private write(client: Client, text: string): void {
    const socket = client.socket
    if (socket.destroyed) return
    if (socket.writableLength > (this.options.maxOutputQueueBytes ?? 1_048_576)) {
      if (this.limited.allow('slow-client') >= 0) {
        this.log.warn('driver socket client does not read; dropping it')
      }
      socket.destroy()
      return
    }
    socket.write(text)
  }
}

/** A socket file left by a previous run would make listen() fail: remove it (never a file). */
async function removeStaleSocket(path: string): Promise<void> {
  try {
    const stats = await lstat(path)
    if (stats.isSocket()) await unlink(path)
  } catch {
    // absent: nothing to remove
  }
}
