/**
 * Fixtures for tests of nutshell's NUT server: a hand-filled store that looks like what
 * Debian's dummy-ups serves, a server on a free loopback port, and a raw line client.
 */

import { mkdtempSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ServerConfig, UserConfig } from '../../src/config/types.ts'
import { defaultServerLimits } from '../../src/config/types.ts'
import type { CommandOutcome } from '../../src/devices/command-result.ts'
import type { Device } from '../../src/devices/device.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import {
  createNutServer,
  type NutServer,
  type NutServerOptions,
} from '../../src/server/nut-server.ts'
import { makeTestCertificate } from './tls-cert.ts'

export interface RecordedCall {
  kind: 'set' | 'instcmd'
  name: string
  value: string | undefined
}

/** A controller that records what it was asked and answers `outcome`. */
export function recordingController(
  device: Device,
  outcome: CommandOutcome = 'SUCCESS',
  options: { apply?: boolean } = {},
): RecordedCall[] {
  const calls: RecordedCall[] = []
  device.attachController({
    setVariable: async (name, value) => {
      calls.push({ kind: 'set', name, value })
      if (options.apply !== false) device.setValue(name, value)
      return outcome
    },
    instantCommand: async (name, parameter) => {
      calls.push({ kind: 'instcmd', name, value: parameter })
      return outcome
    },
  })
  return calls
}

/** The users of reference section 6 (upsd.users as upsd expands it). */
export const sampleUsers: UserConfig[] = [
  { name: 'admin', password: 'adminpass', actions: ['SET', 'FSD'], instcmds: ['all'] },
  {
    name: 'monp',
    password: 'p@ssw0rd',
    actions: ['LOGIN', 'PRIMARY', 'FSD'],
    instcmds: [],
    upsmon: 'primary',
  },
  { name: 'mons', password: 'secpass', actions: ['LOGIN'], instcmds: [], upsmon: 'secondary' },
  { name: 'viewer', password: 'viewpass', actions: [], instcmds: [] },
  { name: 'cmdonly', password: 'cmdpass', actions: [], instcmds: ['load.off'] },
  { name: 'nopass', password: undefined, actions: ['SET', 'FSD', 'LOGIN'], instcmds: ['all'] },
]

/** Variables of the sample `dummy` device, with dummy-ups' flags. */
export function fillDummy(device: Device): void {
  const rw = (name: string, value: string, maxLength: number): void => {
    device.setValue(name, value)
    device.setFlags(name, { writable: true, kind: 'string' })
    device.setMaxLength(name, maxLength)
  }
  device.setValue('device.type', 'ups')
  device.setValue('driver.name', 'dummy-ups')
  device.setValue('driver.parameter.port', 'dummy.dev')
  device.setValue('driver.version', '2.8.0')
  rw('ups.mfr', 'Acme', 32)
  rw('ups.model', 'TestBox 1000', 32)
  rw('ups.status', 'OL CHRG', 32)
  device.setValue('battery.charge', '100')
  device.setFlags('battery.charge', { writable: true, kind: 'number' })
  rw('battery.charge.low', '20', 32)
  rw('ups.id', 'quoted  two-space value', 16)
  device.setValue('input.voltage', '230.0')
  device.setValue('input.transfer.low', '180')
  device.setFlags('input.transfer.low', { writable: true, kind: 'number' })
  device.addEnum('input.transfer.low', '170')
  device.addEnum('input.transfer.low', '180')
  device.setValue('input.transfer.high', '260')
  device.setFlags('input.transfer.high', { writable: true, kind: 'number' })
  device.addRange('input.transfer.high', 250, 270)
  device.addRange('input.transfer.high', 280, 290)
  device.setValue('ups.description', 'back\\slash and "quotes" and # hash')
  device.addCommand('load.off')
  device.addCommand('test.battery.start')
  device.setCommState('ok')
}

export function sampleStore(): { store: DeviceStore; dummy: Device; calls: RecordedCall[] } {
  const store = new DeviceStore()
  const dummy = store.add('dummy', 'Test "quoted" UPS # not a comment')
  fillDummy(dummy)
  const calls = recordingController(dummy)
  const other = store.add('other')
  other.setValue('ups.status', 'OB')
  other.setCommState('ok')
  return { store, dummy, calls }
}

export function testServerConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    listen: [{ host: '127.0.0.1', port: 0 }],
    maxAgeMs: 15_000,
    trackingDelayMs: 3_600_000,
    statePath: '/nonexistent',
    limits: { ...defaultServerLimits },
    ...overrides,
  }
}

export interface RunningServer {
  server: NutServer
  port: number
  host: string
  stop(): Promise<void>
}

export async function startTestServer(
  options: Partial<NutServerOptions> & Pick<NutServerOptions, 'store'>,
): Promise<RunningServer> {
  const server = createNutServer({
    server: testServerConfig(),
    users: sampleUsers,
    ...options,
  })
  await server.start()
  const [address] = server.addresses()
  if (address === undefined) throw new Error('server bound no address')
  return { server, port: address.port, host: address.host, stop: () => server.stop() }
}

/**
 * A test server with the sample store and STARTTLS on a throw-away certificate; `stop`
 * also removes the certificate.
 */
export async function startTlsTestServer(): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ns-tls-'))
  const { bothFile } = makeTestCertificate(dir)
  const running = await startTestServer({
    store: sampleStore().store,
    server: testServerConfig({ tls: { certFile: bothFile } }),
  })
  return {
    ...running,
    async stop() {
      await running.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A raw NUT line client: send lines, read one reply (a line, or a whole LIST block). */
export class LineClient {
  readonly socket: Socket
  private buffer = ''
  private waiters: Array<() => void> = []
  closed = false

  private constructor(socket: Socket) {
    this.socket = socket
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => {
      this.buffer += d
      this.wake()
    })
    socket.on('close', () => {
      this.closed = true
      this.wake()
    })
    socket.on('error', () => {})
  }

  /** A client on an already connected socket (a TLS socket after STARTTLS, say). */
  static fromSocket(socket: Socket): LineClient {
    return new LineClient(socket)
  }

  static connect(port: number, host = '127.0.0.1'): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host })
      socket.once('connect', () => resolve(new LineClient(socket)))
      socket.once('error', reject)
    })
  }

  send(text: string): void {
    this.socket.write(text)
  }

  /** Sends one request line and reads its reply. */
  async request(line: string, timeoutMs = 5_000): Promise<string> {
    this.send(`${line}\n`)
    return this.readReply(timeoutMs)
  }

  async readLine(timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const end = this.buffer.indexOf('\n')
      if (end >= 0) {
        const line = this.buffer.slice(0, end)
        this.buffer = this.buffer.slice(end + 1)
        return line
      }
      if (this.closed) throw new Error('connection closed')
      const left = deadline - Date.now()
      if (left <= 0) throw new Error('timed out waiting for a reply line')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** One reply: a single line, or BEGIN LIST ... END LIST joined with LF. */
  async readReply(timeoutMs = 5_000): Promise<string> {
    const first = await this.readLine(timeoutMs)
    if (!first.startsWith('BEGIN LIST ')) return first
    const lines = [first]
    for (;;) {
      const line = await this.readLine(timeoutMs)
      lines.push(line)
      if (line.startsWith('END LIST ')) return lines.join('\n')
    }
  }

  /** Resolves true once the server closes the connection (false after the timeout). */
  async waitClosed(timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()))
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return this.closed
  }

  close(): void {
    this.socket.destroy()
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const waiter of waiters) waiter()
  }
}
