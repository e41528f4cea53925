/**
 * The NUT network request reader: one request line in, one typed request out. The byte
 * stream is cut into lines by protocol/line-framer.ts, fed Latin-1 decoded bytes so that
 * a line is a "wire string" (one character per byte, codes 0-255); it is checked here.
 *
 * Each line must be valid UTF-8 and must tokenize cleanly; otherwise the request is
 * `invalid` and the server answers `ERR INVALID-ARGUMENT` (docs/compatibility.md explains
 * why we do not silently drop bytes as upsd does).
 *
 * Pure: no sockets, no timers; nothing here throws on any input.
 */
import { Buffer, isUtf8 } from 'node:buffer'
import { type TokenizeErrorKind, tokenizeLine } from './tokenizer.ts'

/** Bytes as the server's framer sees them: one character per byte. */
export function wireString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}

export type RequestProblem = 'invalid-utf8' | TokenizeErrorKind

export type ParsedRequest =
  | { kind: 'request'; words: string[] }
  | { kind: 'invalid'; problem: RequestProblem; message: string }

/**
 * Parses one request line (a wire string, without its LF). An empty `words` array is an
 * empty line.
 */
export function parseRequestLine(line: string): ParsedRequest {
  const simple = splitSimple(line)
  if (simple !== undefined) return { kind: 'request', words: simple }
  let text = line
  // Plain ASCII is the common case; only other bytes need the UTF-8 check.
  if (!isAscii(line)) {
    const bytes = Buffer.from(line, 'latin1')
    if (!isUtf8(bytes)) {
      return { kind: 'invalid', problem: 'invalid-utf8', message: 'the request is not valid UTF-8' }
    }
    text = bytes.toString('utf8')
  }
  const { words, error } = tokenizeLine(text)
  if (error !== undefined) return { kind: 'invalid', problem: error.kind, message: error.message }
  return { kind: 'request', words }
}

/**
 * The fast path for the common request: printable ASCII words separated by spaces, with
 * nothing the tokenizer treats specially (quotes, backslashes, `#`, `=`, other
 * whitespace). For such a line the tokenizer's answer is exactly a split on spaces.
 * Anything else returns undefined and takes the full tokenizer.
 */
function splitSimple(line: string): string[] | undefined {
  const words: string[] = []
  let start = -1
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i)
    if (code === 0x20) {
      if (start >= 0) {
        words.push(line.slice(start, i))
        start = -1
      }
    } else if (
      code < 0x21 ||
      code > 0x7e ||
      code === 0x22 ||
      code === 0x23 ||
      code === 0x3d ||
      code === 0x5c
    ) {
      return undefined
    } else if (start < 0) start = i
  }
  if (start >= 0) words.push(start === 0 ? line : line.slice(start))
  return words
}

function isAscii(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) > 0x7f) return false
  return true
}
