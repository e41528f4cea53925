/**
 * The NUT network request reader: bytes in, one typed request per line out.
 *
 * Framing is by LF alone (CR is whitespace to the tokenizer, so CRLF works). A line longer
 * than the configured limit is reported once as `overflow`: the server closes such a
 * connection rather than guess where the next request starts. Each line must be valid
 * UTF-8 and must tokenize cleanly; otherwise the request is `invalid` and the server
 * answers `ERR INVALID-ARGUMENT` (docs/compatibility.md explains why we do not silently
 * drop bytes as upsd does).
 *
 * Pure: no sockets, no timers; nothing here throws on any input.
 */
import { isUtf8 } from 'node:buffer'
import { type TokenizeErrorKind, tokenizeLine } from './tokenizer.ts'

const LF = 0x0a

export interface SplitResult {
  /** Complete lines, without their LF. */
  lines: Uint8Array[]
  /** True when the data holds a line longer than the limit; no further lines are given. */
  overflow: boolean
}

/** Cuts a byte stream into LF-terminated lines, refusing lines over `maxLineLength` bytes. */
export class LineSplitter {
  private readonly maxLineLength: number
  private partial: Uint8Array[] = []
  private partialLength = 0
  private overflowed = false

  constructor(maxLineLength: number) {
    this.maxLineLength = Math.max(1, maxLineLength)
  }

  /** Bytes of a line begun but not yet ended. */
  get pendingBytes(): number {
    return this.partialLength
  }

  push(chunk: Uint8Array): SplitResult {
    const lines: Uint8Array[] = []
    if (this.overflowed) return { lines, overflow: true }
    let start = 0
    for (;;) {
      const end = chunk.indexOf(LF, start)
      if (end < 0) break
      const length = this.partialLength + (end - start)
      if (length > this.maxLineLength) return this.overflow(lines)
      if (this.partialLength === 0) lines.push(chunk.subarray(start, end))
      else {
        this.partial.push(chunk.subarray(start, end))
        lines.push(concat(this.partial, length))
        this.partial = []
        this.partialLength = 0
      }
      start = end + 1
    }
    if (start < chunk.length) {
      const rest = chunk.length - start
      if (this.partialLength + rest > this.maxLineLength) return this.overflow(lines)
      // Copy: the caller may reuse its chunk, and a small copy frees the big one.
      this.partial.push(chunk.slice(start))
      this.partialLength += rest
    }
    return { lines, overflow: false }
  }

  /** Forgets any half-received line (after STARTTLS, bytes sent early are discarded). */
  discard(): void {
    this.partial = []
    this.partialLength = 0
  }

  private overflow(lines: Uint8Array[]): SplitResult {
    this.overflowed = true
    this.discard()
    return { lines, overflow: true }
  }
}

export type RequestProblem = 'invalid-utf8' | TokenizeErrorKind

export type ParsedRequest =
  | { kind: 'request'; words: string[] }
  | { kind: 'invalid'; problem: RequestProblem; message: string }

/** Parses one request line (without its LF). An empty `words` array is an empty line. */
export function parseRequestLine(line: Uint8Array): ParsedRequest {
  const simple = splitSimple(line)
  if (simple !== undefined) return { kind: 'request', words: simple }
  // Plain ASCII is the common case; only other bytes need the UTF-8 check.
  if (!isAscii(line) && !isUtf8(line)) {
    return { kind: 'invalid', problem: 'invalid-utf8', message: 'the request is not valid UTF-8' }
  }
  const text = decoder.decode(line)
  const { words, error } = tokenizeLine(text)
  if (error !== undefined) return { kind: 'invalid', problem: error.kind, message: error.message }
  return { kind: 'request', words }
}

const decoder = new TextDecoder('utf-8')

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const all = new Uint8Array(total)
  let offset = 0
  for (const part of parts) {
    all.set(part, offset)
    offset += part.length
  }
  return all
}

/**
 * The fast path for the common request: printable ASCII words separated by spaces, with
 * nothing the tokenizer treats specially (quotes, backslashes, `#`, `=`, other
 * whitespace). For such a line the tokenizer's answer is exactly a split on spaces.
 * Anything else returns undefined and takes the full tokenizer.
 */
function splitSimple(line: Uint8Array): string[] | undefined {
  const words: string[] = []
  let word = ''
  for (let i = 0; i < line.length; i++) {
    const byte = line[i] as number
    if (byte === 0x20) {
      if (word.length > 0) {
        words.push(word)
        word = ''
      }
    } else if (
      byte < 0x21 ||
      byte > 0x7e ||
      byte === 0x22 ||
      byte === 0x23 ||
      byte === 0x3d ||
      byte === 0x5c
    ) {
      return undefined
    } else word += String.fromCharCode(byte)
  }
  if (word.length > 0) words.push(word)
  return words
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) > 0x7f) return false
  return true
}
