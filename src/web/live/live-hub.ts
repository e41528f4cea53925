/**
 * The live stream's fan-out. Each event is framed once as Server-Sent Events text and
 * written to every reader. A reader whose socket does not take the bytes (write returned
 * false) gets a queue; once that queue holds more than `maxQueueBytes` the reader is
 * dropped. So a slow reader never delays the others (nothing waits for it) and costs at
 * most its cap in memory.
 */
export interface LiveSink {
  /** Like stream.Writable#write: false means "buffered, wait for drain". */
  write(chunk: string): boolean
  onDrain(listener: () => void): void
  end(): void
}

export interface LiveEvent {
  type: string
  data: unknown
}

interface Reader {
  sink: LiveSink
  queue: string[]
  queuedBytes: number
  blocked: boolean
  filter: ((event: LiveEvent) => boolean) | undefined
}

export interface LiveHubStats {
  readers: number
  dropped: number
  sent: number
}

export class LiveHub {
  private readonly readers = new Set<Reader>()
  private readonly maxQueueBytes: number
  private readonly maxReaders: number
  private nextId = 1
  private dropped = 0
  private sent = 0
  /** Told when a reader is dropped for being slow (for the log). */
  onDrop: (() => void) | undefined

  constructor(options: { maxQueueBytes: number; maxReaders: number }) {
    this.maxQueueBytes = options.maxQueueBytes
    this.maxReaders = options.maxReaders
  }

  /** Adds a reader; false when the hub is full. Returns the unsubscribe function. */
  add(sink: LiveSink, filter?: (event: LiveEvent) => boolean): (() => void) | undefined {
    if (this.readers.size >= this.maxReaders) return undefined
    const reader: Reader = { sink, queue: [], queuedBytes: 0, blocked: false, filter }
    this.readers.add(reader)
    sink.onDrain(() => this.flush(reader))
    return () => {
      this.readers.delete(reader)
    }
  }

  publish(type: string, data: unknown): void {
    if (this.readers.size === 0) return
    const event: LiveEvent = { type, data }
    const frame = `id: ${this.nextId++}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`
    for (const reader of this.readers) {
      if (reader.filter !== undefined && !reader.filter(event)) continue
      this.deliver(reader, frame)
    }
  }

  /** A comment line, so proxies and browsers see the connection alive. */
  heartbeat(): void {
    for (const reader of this.readers) this.deliver(reader, ': keep-alive\n\n')
  }

  stats(): LiveHubStats {
    return { readers: this.readers.size, dropped: this.dropped, sent: this.sent }
  }

  closeAll(): void {
    for (const reader of this.readers) reader.sink.end()
    this.readers.clear()
  }

  private deliver(reader: Reader, frame: string): void {
    if (reader.blocked) {
      reader.queue.push(frame)
      reader.queuedBytes += frame.length
      if (reader.queuedBytes > this.maxQueueBytes) this.drop(reader)
      return
    }
    this.sent++
    if (!reader.sink.write(frame)) reader.blocked = true
  }

  private flush(reader: Reader): void {
    if (!this.readers.has(reader)) return
    reader.blocked = false
    while (reader.queue.length > 0) {
      const frame = reader.queue.shift() as string
      reader.queuedBytes -= frame.length
      this.sent++
      if (!reader.sink.write(frame)) {
        reader.blocked = true
        return
      }
    }
  }

  private drop(reader: Reader): void {
    this.readers.delete(reader)
    reader.queue = []
    reader.queuedBytes = 0
    this.dropped++
    this.onDrop?.()
    reader.sink.end()
  }
}
