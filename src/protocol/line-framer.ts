/**
 * LF framing with a hard bound on memory, for every line-oriented stream nutshell reads:
 * NUT network requests (server), upsd's replies (client) and the driver state socket
 * (both ends). Text goes in as it arrives; complete lines (without their LF) come out in
 * order through a sink. A line longer than `maxLineLength` is never buffered: it is
 * reported once as an overflow and skipped up to its LF. Whether an overflow ends the
 * stream is the caller's decision (the server and the client close; the driver link
 * counts it as garbage and reads on).
 *
 * Only LF ends a line (CR is whitespace to the tokenizer, so CRLF works). The unit is the
 * string's: the server feeds Latin-1 decoded bytes (one character per byte, so the limit
 * is in bytes and UTF-8 is checked per line later); the other readers feed text.
 *
 * Pure: no I/O, no timers; never throws. The common case, one whole line per chunk,
 * allocates nothing but the line itself.
 */

export interface LineSink {
  /** One complete line, without its LF. */
  line(text: string): void
  /** A line over the limit was dropped; `length` is what had arrived of it when seen. */
  overflow(length: number): void
}

export class LineFramer {
  readonly maxLineLength: number
  private buffer = ''
  /** Inside an over-long line already reported: drop up to the next LF. */
  private skipping = false

  constructor(maxLineLength: number) {
    this.maxLineLength = Math.max(1, maxLineLength)
  }

  /** Characters held of a line begun but not yet ended (never more than the limit). */
  get pending(): number {
    return this.buffer.length
  }

  /** Feeds a chunk; every line it completes and every overflow go to `sink`, in order. */
  push(chunk: string, sink: LineSink): void {
    const max = this.maxLineLength
    let start = 0
    let lf = chunk.indexOf('\n')
    while (lf >= 0) {
      if (this.skipping) this.skipping = false
      else {
        const length = this.buffer.length + (lf - start)
        if (length > max) {
          this.buffer = ''
          sink.overflow(length)
        } else if (this.buffer.length === 0) {
          sink.line(chunk.slice(start, lf))
        } else {
          const text = this.buffer + chunk.slice(start, lf)
          this.buffer = ''
          sink.line(text)
        }
      }
      start = lf + 1
      lf = chunk.indexOf('\n', start)
    }
    if (start >= chunk.length || this.skipping) return
    const length = this.buffer.length + (chunk.length - start)
    if (length > max) {
      this.buffer = ''
      this.skipping = true
      sink.overflow(length)
      return
    }
    this.buffer += start === 0 ? chunk : chunk.slice(start)
  }

  /** Forgets any half-received line (after STARTTLS, bytes sent early are discarded). */
  reset(): void {
    this.buffer = ''
    this.skipping = false
  }
}

/** Collects what a push produced: for callers that want arrays, and for the tests. */
export class CollectingSink implements LineSink {
  lines: string[] = []
  overflows: number[] = []
  line(text: string): void {
    this.lines.push(text)
  }
  overflow(length: number): void {
    this.overflows.push(length)
  }
}
