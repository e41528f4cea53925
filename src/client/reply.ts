/**
 * Reading upsd's replies, without I/O (protocol/line-framer.ts cuts the stream into
 * lines): tokenizing a line, and the checks libupsclient makes before it trusts a reply
 * (reference: nut-protocol.md 1.8):
 *
 * - a reply starting with `ERR` is an error; the word after it names it;
 * - a GET reply must echo the query words, compared case-insensitively
 *   (`GET VAR u v` → `VAR u v "value"`);
 * - a LIST starts with `BEGIN LIST <query words>` (case-insensitive), every item echoes the
 *   query words, and the list ends at the first line whose first two words are exactly
 *   `END LIST` (case-sensitive; trailing words unchecked).
 *
 * Pure: never throws, on any input.
 */
import { tokenizeLine } from '../protocol/tokenizer.ts'

/** A received line and its words. */
export interface ReplyLine {
  /** The line as received, without its LF (what NUT tools print in their messages). */
  raw: string
  words: string[]
}

export type ParsedReply =
  | { kind: 'line'; line: ReplyLine }
  | { kind: 'error'; line: ReplyLine; word: string }
  | { kind: 'malformed'; raw: string; reason: string }

/** Tokenizes one reply line. An `ERR` line becomes `kind: 'error'` with its word. */
export function parseReply(raw: string): ParsedReply {
  const tokens = tokenizeLine(raw)
  if (tokens.error !== undefined) {
    return { kind: 'malformed', raw, reason: tokens.error.message }
  }
  const line: ReplyLine = { raw, words: tokens.words }
  // libupsclient tests the first three bytes only; so do we, on the words.
  if (tokens.words[0] === 'ERR') return { kind: 'error', line, word: tokens.words[1] ?? '' }
  return { kind: 'line', line }
}

function equalsIgnoreCase(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase()
}

/** True when `words` starts with `expected`, compared case-insensitively. */
export function echoes(words: readonly string[], expected: readonly string[], from = 0): boolean {
  if (words.length - from < expected.length) return false
  return expected.every((word, i) => equalsIgnoreCase(words[from + i] ?? '', word))
}

/** `BEGIN LIST <query…>` for `LIST <query…>`. */
export function isListBegin(words: readonly string[], query: readonly string[]): boolean {
  return echoes(words, ['BEGIN', 'LIST']) && echoes(words, query, 2)
}

/** `END LIST …`: exact case, as libupsclient compares it. */
export function isListEnd(words: readonly string[]): boolean {
  return words[0] === 'END' && words[1] === 'LIST'
}
