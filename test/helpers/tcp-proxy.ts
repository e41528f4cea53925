/**
 * A small TCP proxy for fault tests (test/reliability/proxy-faults.test.ts): it forwards a
 * listening loopback port to a target and, on demand, delays each chunk, "loses" some (a
 * lost chunk arrives late, as a TCP retransmission would bring it: the byte stream itself
 * is never corrupted), or silently drops everything in one direction (a half-open
 * connection). Order within a direction is always kept. Loss is drawn from a seeded
 * generator, so a run can be repeated.
 *
 * ```ts
 * const proxy = await TcpProxy.start({ host: '127.0.0.1', port: 3493 })
 * proxy.set({ delayMs: 200, lossRate: 0.1 })
 * proxy.set({ dropToClient: true }) // half-open
 * await proxy.close()
 * ```
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net'

export interface ProxyFaults {
  /** Added to every chunk, each way. */
  delayMs: number
  /** Share of chunks that are "lost" and come `lossDelayMs` later. */
  lossRate: number
  lossDelayMs: number
  /** Silently discard what the client sends. */
  dropToServer: boolean
  /** Silently discard what the server sends (the client sees a half-open connection). */
  dropToClient: boolean
}

const noFaults: ProxyFaults = {
  delayMs: 0,
  lossRate: 0,
  lossDelayMs: 1000,
  dropToServer: false,
  dropToClient: false,
}

interface Pair {
  client: Socket
  server: Socket
  lastRelease: { toServer: number; toClient: number }
}

export class TcpProxy {
  readonly port: number
  readonly stats = { connections: 0, chunksDelayed: 0, chunksLost: 0, chunksDropped: 0 }
  private faults: ProxyFaults = { ...noFaults }
  private readonly server: Server
  private readonly pairs = new Set<Pair>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private random: () => number

  private constructor(server: Server, port: number, seed: number) {
    this.server = server
    this.port = port
    this.random = mulberry32(seed)
  }

  static async start(
    target: { host: string; port: number },
    options: { host?: string; seed?: number } = {},
  ): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined
    const server = createServer((client) => proxy?.accept(client, target))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, options.host ?? '127.0.0.1', () => resolve())
    })
    const address = server.address()
    if (address === null || typeof address !== 'object') throw new Error('proxy: no port')
    proxy = new TcpProxy(server, address.port, options.seed ?? 1)
    return proxy
  }

  set(faults: Partial<ProxyFaults>): void {
    this.faults = { ...this.faults, ...faults }
  }

  heal(): void {
    this.faults = { ...noFaults }
  }

  /** Ends every connection at once, both sides (as a restarted middlebox would). */
  resetAll(): void {
    for (const pair of this.pairs) {
      pair.client.destroy()
      pair.server.destroy()
    }
  }

  get openConnections(): number {
    return this.pairs.size
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    this.resetAll()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    this.stats.connections++
    const server = createConnection(target)
    const pair: Pair = { client, server, lastRelease: { toServer: 0, toClient: 0 } }
    this.pairs.add(pair)
    const end = () => {
      client.destroy()
      server.destroy()
      this.pairs.delete(pair)
    }
    client.on('error', end).on('close', end)
    server.on('error', end).on('close', end)
    client.on('data', (chunk: Uint8Array) => this.forward(pair, 'toServer', chunk))
    server.on('data', (chunk: Uint8Array) => this.forward(pair, 'toClient', chunk))
  }

  private forward(pair: Pair, direction: 'toServer' | 'toClient', chunk: Uint8Array): void {
    const f = this.faults
    if (direction === 'toServer' ? f.dropToServer : f.dropToClient) {
      this.stats.chunksDropped++
      return
    }
    const lost = f.lossRate > 0 && this.random() < f.lossRate
    if (lost) this.stats.chunksLost++
    const wait = f.delayMs + (lost ? f.lossDelayMs : 0)
    const to = direction === 'toServer' ? pair.server : pair.client
    if (wait === 0 && pair.lastRelease[direction] <= Date.now()) {
      to.write(chunk)
      return
    }
    this.stats.chunksDelayed++
    // Never before the chunk ahead of it: a stream stays in order.
    const release = Math.max(Date.now() + wait, pair.lastRelease[direction])
    pair.lastRelease[direction] = release
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      if (!to.destroyed) to.write(chunk)
    }, release - Date.now())
    this.timers.add(timer)
  }
}

/** A small seeded generator (mulberry32): the same seed, the same losses. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
