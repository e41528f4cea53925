/**
 * Reads a NUT config file into logical lines of words with the position of each word,
 * using the shared tokenizer, and turns tokenizer problems into diagnostics the way NUT
 * treats them: a parse error (unescaped `#` inside quotes) skips the line, a control
 * character is dropped from the word and the line is kept.
 */
import { isNutWhitespace, tokenize } from '../tokenizer.ts'
import type { ConfigDiagnostic, DiagnosticCode, Position } from './diagnostic.ts'

export interface ConfLine {
  words: string[]
  /** Position of each word, parallel to `words`. */
  positions: Position[]
  /** Where the logical line starts. */
  line: number
}

/** Collects diagnostics for one file. */
export class DiagnosticSink {
  readonly list: ConfigDiagnostic[] = []
  readonly file: string
  constructor(file: string) {
    this.file = file
  }

  add(
    severity: ConfigDiagnostic['severity'],
    code: DiagnosticCode,
    at: Position,
    message: string,
    advice?: string,
  ): void {
    const d: ConfigDiagnostic = {
      severity,
      code,
      file: this.file,
      line: at.line,
      column: at.column,
      message,
    }
    if (advice !== undefined) d.advice = advice
    this.list.push(d)
  }

  error(code: DiagnosticCode, at: Position, message: string, advice?: string): void {
    this.add('error', code, at, message, advice)
  }

  warn(code: DiagnosticCode, at: Position, message: string, advice?: string): void {
    this.add('warning', code, at, message, advice)
  }
}

function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1)
  return starts
}

function positionOf(starts: readonly number[], offset: number): Position {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((starts[mid] as number) <= offset) lo = mid
    else hi = mid - 1
  }
  return { line: lo + 1, column: offset - (starts[lo] as number) + 1 }
}

/** Position of word `index` of a line, or of its last word when the index is past the end. */
export function wordAt(line: ConfLine, index: number): Position {
  const at = line.positions[Math.min(index, line.positions.length - 1)]
  return at ?? { line: line.line, column: 1 }
}

/**
 * The offset of a quote that is still open at the end of the text, if any. NUT lets a
 * quoted word span lines, so such a quote silently swallows the rest of the file; the
 * tokenizer reports only a line's first problem, so this is checked on its own.
 */
export function openQuoteAtEnd(text: string): number | undefined {
  let state: 'start' | 'word' | 'quoted' | 'comment' = 'start'
  let open = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    switch (state) {
      case 'start':
        if (ch === '#') state = 'comment'
        else if (ch === '"') {
          state = 'quoted'
          open = i
        } else if (ch === '\\') {
          i++
          state = 'word'
        } else if (ch !== '\n' && ch !== '=' && !isNutWhitespace(ch as string)) state = 'word'
        break
      case 'word':
        if (ch === '#') state = 'comment'
        else if (ch === '\\') i++
        else if (ch === '\n' || ch === '=' || isNutWhitespace(ch as string)) state = 'start'
        break
      case 'quoted':
        if (ch === '\\') i++
        else if (ch === '"') state = 'start'
        break
      case 'comment':
        if (ch === '\n') state = 'start'
        break
    }
  }
  return state === 'quoted' ? open : undefined
}

export function readConfLines(input: string, sink: DiagnosticSink): ConfLine[] {
  // A byte-order mark (some editors write one) is invisible to the user and to NUT, which
  // drops every byte >= 0x80; without this it would glue itself to the first directive.
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input
  const starts = lineStarts(text)
  const out: ConfLine[] = []
  const openQuote = openQuoteAtEnd(text)
  // NUT lets a quoted word run on over a newline; so do we, to read what upsd reads.
  for (const t of tokenize(text, { continueQuotesAcrossLines: true })) {
    const positions = t.offsets.map((o) => positionOf(starts, o))
    const line: ConfLine = { words: t.words, positions, line: t.line }
    if (openQuote !== undefined && t.offsets.includes(openQuote)) {
      // The quote ran on to the end of the file: everything after it is lost.
      sink.error(
        'syntax',
        positionOf(starts, openQuote),
        'this quote is never closed: it swallows the rest of the file',
        'add the closing " (in NUT files a quoted word may span lines)',
      )
      continue
    }
    if (t.error !== undefined) {
      const at = positionOf(starts, Math.min(t.error.offset, Math.max(0, text.length - 1)))
      switch (t.error.kind) {
        case 'control-character':
          sink.warn(
            'control-character',
            at,
            'control character in the line; it is ignored, as NUT ignores it',
            'remove the character (tabs may separate words but not sit inside quotes)',
          )
          break
        case 'trailing-backslash':
          sink.warn('syntax', at, 'backslash at the end of the file is ignored')
          break
        case 'hash-in-quotes':
          sink.warn(
            'syntax',
            at,
            'unescaped # inside quotes: the whole line is skipped, as NUT skips it',
            'write \\# for a literal #, or close the quotes before a comment',
          )
          continue
        case 'unterminated-quote':
          // Handled above through openQuoteAtEnd; kept for safety.
          sink.error('syntax', at, 'this quote is never closed', 'add the closing "')
          continue
      }
    }
    if (line.words.length > 0) out.push(line)
  }
  return out
}
