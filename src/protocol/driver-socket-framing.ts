/**
 * LF framing for the driver state socket with a hard bound on memory: text goes in as it
 * arrives, complete lines come out. A line longer than `maxLineLength` is never
 * buffered: it is reported once as an overflow and skipped up to its LF. NUT's own peers
 * never send a line longer than 512 bytes (ST_SOCK_BUF_LEN), so anything much longer is
 * a broken or hostile peer.
 *
 * Pure: strings in, typed items out; never throws.
 */
export type FramedItem = { kind: 'line'; line: string } | { kind: 'overflow'; length: number }

export class LineFramer {
  private buffer = ''
  private skipping = false
  readonly maxLineLength: number

  constructor(maxLineLength = 4096) {
    this.maxLineLength = maxLineLength
  }

  /** Feeds a chunk; returns the complete lines (without LF) and overflows, in order. */
  push(chunk: string): FramedItem[] {
    const items: FramedItem[] = []
    let start = 0
    for (;;) {
      const lf = chunk.indexOf('\n', start)
      if (lf < 0) break
      const piece = chunk.slice(start, lf)
      start = lf + 1
      if (this.skipping) {
        this.skipping = false
        continue
      }
      if (this.buffer.length + piece.length > this.maxLineLength) {
        items.push({ kind: 'overflow', length: this.buffer.length + piece.length })
        this.buffer = ''
        continue
      }
      items.push({ kind: 'line', line: this.buffer + piece })
      this.buffer = ''
    }
    const rest = chunk.slice(start)
    if (this.skipping) {
      // still inside an over-long line: drop it
    } else if (this.buffer.length + rest.length > this.maxLineLength) {
      items.push({ kind: 'overflow', length: this.buffer.length + rest.length })
      this.buffer = ''
      this.skipping = true
    } else {
      this.buffer += rest
    }
    return items
  }

  /** Bytes held for an incomplete line (always <= maxLineLength). */
  get pending(): number {
    return this.buffer.length
  }

  reset(): void {
    this.buffer = ''
    this.skipping = false
  }
}
