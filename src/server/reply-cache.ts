/**
 * Replies to `GET VAR` remembered by request line, for the hot path: monitors and
 * dashboards ask the same few lines over and over, and between two device changes the
 * answer to a given line cannot differ. A `GET VAR` reply depends on nothing but the
 * store (the device, its communication state, FSD latch and values) and on constants
 * (the version text): no credentials, no connection state. So every store change
 * forgets everything, and a hit is exactly what the handler would have produced,
 * errors included.
 *
 * Bounded: at most `limit` lines; when full it starts again from empty.
 */
import type { DeviceStore } from '../devices/device-store.ts'

export class ReplyCache {
  private readonly entries = new Map<string, string>()
  private readonly limit: number
  private readonly unsubscribe: () => void

  constructor(store: DeviceStore, limit = 512) {
    this.limit = limit
    this.unsubscribe = store.onChange(() => {
      if (this.entries.size > 0) this.entries.clear()
    })
  }

  /** The reply last produced for exactly this request line, if nothing changed since. */
  get(line: string): string | undefined {
    return this.entries.get(line)
  }

  put(line: string, reply: string): void {
    if (this.entries.size >= this.limit) this.entries.clear()
    this.entries.set(line, reply)
  }

  get size(): number {
    return this.entries.size
  }

  dispose(): void {
    this.unsubscribe()
    this.entries.clear()
  }
}

/** True for `GET VAR …` (words as parsed; command words compared without regard to case). */
export function isGetVar(words: readonly string[]): boolean {
  const [command, sub] = words
  return (
    command !== undefined &&
    sub !== undefined &&
    command.length === 3 &&
    sub.length === 3 &&
    command.toUpperCase() === 'GET' &&
    sub.toUpperCase() === 'VAR'
  )
}
