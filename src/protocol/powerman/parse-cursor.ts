import { found, spanOf } from '../token-span.ts'
import type { Capture, Num, Span, Str } from './ast.ts'
import {
  type Diagnostic,
  type DiagnosticCode,
  type DiagnosticExtra,
  diagnostic,
} from './diagnostics.ts'
import type { Token, TokenKind } from './lexer.ts'

/**
 * The parser's token cursor: looking ahead, consuming and reporting, plus the small
 * pieces every layer needs (strings, numbers, `$N`). Errors are reported once per
 * position, and never where the lexer already reported one.
 */
export class TokenCursor {
  protected index = 0
  readonly file: string
  protected readonly tokens: Token[]
  protected readonly diagnostics: Diagnostic[]
  private readonly reported: Set<number>

  constructor(file: string, tokens: Token[], diagnostics: Diagnostic[], lexed: Diagnostic[]) {
    this.file = file
    this.tokens = tokens
    this.diagnostics = diagnostics
    this.reported = new Set(lexed.filter((d) => d.severity === 'error').map((d) => d.span.start))
  }

  protected peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token
  }

  protected next(): Token {
    const token = this.peek()
    if (token.kind !== 'eof') this.index++
    return token
  }

  protected atEnd(): boolean {
    return this.peek().kind === 'eof'
  }

  protected isKeyword(word: string, token = this.peek()): boolean {
    return token.kind === 'keyword' && token.text === word
  }

  protected previousEnd(): number {
    return this.tokens[this.index - 1]?.end ?? 0
  }

  protected error(code: DiagnosticCode, span: Span, message: string, extra: DiagnosticExtra = {}) {
    if (this.reported.has(span.start) && (extra.severity ?? 'error') === 'error') return
    if ((extra.severity ?? 'error') === 'error') this.reported.add(span.start)
    this.diagnostics.push(diagnostic(code, this.file, span, message, extra))
  }

  protected warn(code: DiagnosticCode, span: Span, message: string, advice: string) {
    this.diagnostics.push(
      diagnostic(code, this.file, span, message, { severity: 'warning', advice }),
    )
  }

  /** "X expected, found Y" at the current token, without consuming it. */
  protected expected(code: DiagnosticCode, what: string, advice?: string): void {
    const token = this.peek()
    this.error(code, spanOf(token), `${what} expected${found(token)}.`, advice ? { advice } : {})
  }

  protected take(kind: TokenKind, what: string, advice?: string): Token | undefined {
    if (this.peek().kind === kind) return this.next()
    this.expected('PM1005', what, advice)
    return undefined
  }

  protected string(what: string, advice?: string): Str {
    const token = this.peek()
    if (token.kind === 'string') {
      this.next()
      return { value: token.text, span: { start: token.start, end: token.end } }
    }
    this.expected(
      'PM1005',
      `A string (${what})`,
      advice ?? (token.kind === 'number' ? 'Write it in double quotes.' : undefined),
    )
    return { value: '', span: { start: token.start, end: token.start } }
  }

  protected number(what: string): Num {
    const token = this.peek()
    if (token.kind === 'number') {
      this.next()
      return { text: token.text, value: token.value, span: { start: token.start, end: token.end } }
    }
    this.expected(
      'PM1005',
      `A number (${what})`,
      token.kind === 'string'
        ? 'Numbers are written without quotes, in seconds: timeout 10, delay 0.5.'
        : 'A number of seconds such as 10 or 0.5.',
    )
    return { text: '', value: Number.NaN, span: { start: token.start, end: token.start } }
  }

  /** `$N`: whitespace may stand between the `$` and the number, as in powerman. */
  protected capture(): Capture {
    const dollar = this.next()
    const token = this.peek()
    if (token.kind !== 'number') {
      this.error('PM1018', spanOf(token), `A group number expected after $${found(token)}.`, {
        advice: 'A capture is written $1 .. $20 ($0 is the whole match of the last expect).',
      })
      return { text: '', index: -1, span: { start: dollar.start, end: dollar.end } }
    }
    this.next()
    const span = { start: dollar.start, end: token.end }
    const index = strtolBase0(token.text)
    if (index === undefined) {
      this.error('PM1018', span, `'$${token.text}' is not a group number.`, {
        advice: 'Write a whole number: $1 .. $20.',
      })
      return { text: token.text, index: -1, span }
    }
    if (String(index) !== token.text)
      this.warn(
        'PM1018',
        span,
        `powerman reads '$${token.text}' as group ${index}.`,
        'powerman reads group numbers like C (a leading 0 means octal, a fraction is cut off); write the plain number.',
      )
    if (index > maxGroup)
      this.warn(
        'PM1018',
        span,
        `Group ${index} never has a value: powerman keeps groups 0 to ${maxGroup}.`,
        `Use at most ${maxGroup} groups in a regular expression.`,
      )
    return { text: token.text, index, span }
  }

  /** Skips a balanced `{ ... }` starting at the current `{`. */
  protected skipBraces(): void {
    let depth = 0
    do {
      const token = this.next()
      if (token.kind === '{') depth++
      else if (token.kind === '}') depth--
      else if (token.kind === 'eof') return
    } while (depth > 0)
  }

  protected closeBrace(open: Token | undefined): void {
    if (this.peek().kind === '}') {
      this.next()
      return
    }
    this.error('PM1006', spanOf(this.peek()), `'}' expected${found(this.peek())}.`, {
      ...(open === undefined
        ? {}
        : { related: [{ file: this.file, span: spanOf(open), message: "to match this '{'" }] }),
    })
  }
}

/** powermand keeps capture groups 0..20 (MAX_MATCH_POS). */
export const maxGroup = 20

/** C's strtol(text, NULL, 0) on a number token; undefined when it reads no digit. */
export function strtolBase0(text: string): number | undefined {
  if (text.startsWith('0') && text.length > 1 && text[1] !== '.') {
    const octal = /^0[0-7]*/.exec(text)?.[0] ?? '0'
    return Number.parseInt(octal, 8)
  }
  const digits = /^[0-9]+/.exec(text)?.[0]
  return digits === undefined ? undefined : Number.parseInt(digits, 10)
}

export { found, spanOf }
