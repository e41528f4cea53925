import { found, spanOf } from '../protocol/token-span.ts'
import type { Span, Word } from './ast.ts'
import { type Diagnostic, diagnostic } from './diagnostics.ts'
import type { Token, TokenKind } from './lexer.ts'

/**
 * The parser's token cursor: looking ahead, consuming, and reporting. Shared by the
 * expression, action and rule layers of the parser (parse-expression.ts,
 * parse-actions.ts, parser.ts), each a subclass of the one before.
 */
export const ruleKeywords = ['when', 'on', 'device'] as const
export const actionKeywords = [
  'notify',
  'log',
  'exec',
  'webhook',
  'instcmd',
  'set',
  'fsd',
  'shutdown',
  'hibernate',
  'start',
  'cancel',
] as const
/** Words that cannot name a variable. */
export const reserved = new Set(['and', 'or', 'not', 'has', 'for', 'when', 'else', 'on', 'device'])

export class TokenCursor {
  protected index = 0
  protected readonly tokens: Token[]
  protected readonly diagnostics: Diagnostic[]

  constructor(tokens: Token[], diagnostics: Diagnostic[]) {
    this.tokens = tokens
    this.diagnostics = diagnostics
  }

  protected peek(offset = 0): Token {
    return (this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token) ?? eof
  }

  protected next(): Token {
    const token = this.peek()
    if (token.kind !== 'eof') this.index++
    return token
  }

  protected isName(word: string, token = this.peek()): boolean {
    return token.kind === 'name' && token.text === word
  }

  protected previousEnd(): number {
    return this.tokens[this.index - 1]?.end ?? 0
  }

  protected error(
    code: Parameters<typeof diagnostic>[0],
    span: Span,
    message: string,
    extra: Parameters<typeof diagnostic>[3] = {},
  ): void {
    // One error per position is enough: recovery can otherwise repeat itself.
    const last = this.diagnostics[this.diagnostics.length - 1]
    if (last !== undefined && last.span.start === span.start && last.severity === 'error') return
    this.diagnostics.push(diagnostic(code, span, message, extra))
  }

  /** Reports "'X' expected" at the current token when it is not `kind`. */
  protected expect(kind: TokenKind, what = `'${kind}'`, advice?: string): Token | undefined {
    const token = this.peek()
    if (token.kind === kind) return this.next()
    this.error(
      'RULE1005',
      spanOf(token),
      `${what} expected${found(token)}.`,
      advice ? { advice } : {},
    )
    return undefined
  }

  protected closeBrace(open: Token): void {
    if (this.peek().kind === '}') {
      this.next()
      return
    }
    this.error('RULE1009', spanOf(this.peek()), `'}' expected${found(this.peek())}.`, {
      related: [{ span: spanOf(open), message: "to match this '{'" }],
    })
  }
}

export const eof: Token = {
  kind: 'eof',
  start: 0,
  end: 0,
  text: '',
  value: 0,
  newlineBefore: false,
}

export function isRuleKeyword(word: string): boolean {
  return (ruleKeywords as readonly string[]).includes(word)
}

export { didYouMean } from '../protocol/did-you-mean.ts'

export function missingWord(token: Token): Word {
  return { text: '', quoted: false, span: { start: token.start, end: token.start } }
}

export { found, spanOf }
