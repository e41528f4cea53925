import type { Include, Interpretation, PlugRef, Stmt, Str } from './ast.ts'
import { statementKeywords } from './keywords.ts'
import type { Token } from './lexer.ts'
import { found, spanOf, TokenCursor } from './parse-cursor.ts'

const blockStatements = new Set(['foreachplug', 'foreachnode', 'ifon', 'ifoff'])
/** Words that cannot continue a script: a `}` is probably missing before them. */
const outerWords = new Set([
  'script',
  'timeout',
  'pingperiod',
  'specification',
  'device',
  'node',
  'alias',
  'listen',
  'tcpwrappers',
  'plug_log_level',
])

const statementList =
  'expect, send, delay, setplugstate, setresult, foreachplug, foreachnode, ifon, ifoff'

/** The statement layer: script blocks and the nine statement kinds (reference 1.3). */
export abstract class StatementParser extends TokenCursor {
  protected abstract includeHere<T>(keyword: Token, body: (p: StatementParser) => T[]): Include<T>

  /** `{ stmt { stmt } }`; powerman rejects an empty block. */
  protected block(owner: string): Stmt[] {
    const open = this.take('{', `'{' (the ${owner} block)`)
    if (open === undefined && this.peek().kind !== '{') return []
    const before = this.diagnostics.length
    const body = this.statements()
    if (body.length === 0 && this.peek().kind === '}' && this.diagnostics.length === before)
      this.error('PM1007', spanOf(this.peek()), `The ${owner} block is empty.`, {
        advice: 'powerman rejects an empty block; give it at least one statement, or leave it out.',
      })
    this.closeBrace(open)
    return body
  }

  /** Statements up to a `}`, the end, or a word that belongs outside a script. */
  statements(): Stmt[] {
    const body: Stmt[] = []
    for (;;) {
      const token = this.peek()
      if (token.kind === '}' || token.kind === 'eof') return body
      if (token.kind === 'plug name' || (token.kind === 'keyword' && outerWords.has(token.text)))
        return body
      const stmt = this.statement()
      if (stmt !== undefined) body.push(stmt)
    }
  }

  private statement(): Stmt | undefined {
    const token = this.peek()
    const word = token.kind === 'keyword' ? token.text : ''
    switch (word) {
      case 'expect': {
        this.next()
        const regex = this.string('the regular expression to wait for')
        return { kind: 'expect', regex, span: this.spanFrom(token) }
      }
      case 'send': {
        this.next()
        const format = this.string('the text to send')
        return { kind: 'send', format, span: this.spanFrom(token) }
      }
      case 'delay': {
        this.next()
        const seconds = this.number('seconds to wait')
        return { kind: 'delay', seconds, span: this.spanFrom(token) }
      }
      case 'setplugstate':
        return this.setplugstate(token)
      case 'setresult':
        return this.setresult(token)
      case 'include':
        return this.includeHere(this.next(), (p) => p.statements())
      default:
        if (blockStatements.has(word)) {
          this.next()
          const body = this.block(word)
          return {
            kind: word as 'foreachplug' | 'foreachnode' | 'ifon' | 'ifoff',
            body,
            span: this.spanFrom(token),
          }
        }
    }
    this.error('PM1008', spanOf(token), `A statement expected${found(token)}.`, {
      advice: `A script holds the statements ${statementList}.`,
    })
    if (token.kind === '{') this.skipBraces()
    else this.next()
    // Skip to something a script can go on with, so one slip is one error.
    while (!this.atEnd() && !this.startsStatement(this.peek()) && this.peek().kind !== '}') {
      if (this.peek().kind === 'plug name' || outerWords.has(this.peek().text)) break
      if (this.peek().kind === '{') this.skipBraces()
      else this.next()
    }
    return undefined
  }

  private startsStatement(token: Token): boolean {
    return token.kind === 'keyword' && (statementKeywords as readonly string[]).includes(token.text)
  }

  private setplugstate(keyword: Token): Stmt {
    this.next()
    let plug: PlugRef = { kind: 'target' }
    let value = this.missingCapture()
    const first = this.peek()
    if (first.kind === 'string') {
      plug = { kind: 'literal', name: this.string('the plug name') }
      if (this.peek().kind === '$') value = this.capture()
      else this.expected('PM1005', 'A capture $N (the value)')
    } else if (first.kind === '$') {
      const a = this.capture()
      if (this.peek().kind === '$') {
        plug = { kind: 'capture', capture: a }
        value = this.capture()
      } else value = a
    } else
      this.expected(
        'PM1005',
        'A plug name or a capture $N',
        'Write setplugstate [PLUG] $VALUE [on="re"] [off="re"], PLUG being "name" or $N.',
      )
    const interpretations: Interpretation[] = []
    for (;;) {
      const t = this.peek()
      if (this.isKeyword('on') || this.isKeyword('off')) {
        this.next()
        this.take('=', "'='", `Write ${t.text}="regex".`)
        const regex = this.string(`the regular expression meaning ${t.text}`)
        interpretations.push({
          state: t.text as 'on' | 'off',
          regex,
          span: this.spanFrom(t),
        })
      } else if (this.isKeyword('success')) {
        this.misplacedInterpretation(
          t,
          'success= belongs to setresult; setplugstate takes on= and off=.',
        )
      } else break
    }
    return { kind: 'setplugstate', plug, value, interpretations, span: this.spanFrom(keyword) }
  }

  private setresult(keyword: Token): Stmt {
    this.next()
    const capture = (what: string) => {
      if (this.peek().kind === '$') return this.capture()
      this.expected(
        'PM1005',
        `A capture $N (${what})`,
        'Write setresult $PLUG $VALUE success="re"; both come from captures of the last expect.',
      )
      if (this.peek().kind === 'string') this.next()
      return this.missingCapture()
    }
    const plug = capture('the plug name')
    const value = capture('the result text')
    const success: Str[] = []
    for (;;) {
      const t = this.peek()
      if (this.isKeyword('success')) {
        this.next()
        this.take('=', "'='", 'Write success="regex".')
        success.push(this.string('the regular expression meaning success'))
      } else if (this.isKeyword('on') || this.isKeyword('off')) {
        this.misplacedInterpretation(
          t,
          'setresult takes success="re"; on= and off= belong to setplugstate.',
        )
      } else break
    }
    if (success.length === 0)
      this.expected(
        'PM1019',
        'An interpretation success="regex"',
        'setresult needs at least one success="re".',
      )
    return { kind: 'setresult', plug, value, success, span: this.spanFrom(keyword) }
  }

  private misplacedInterpretation(token: Token, advice: string): void {
    this.error('PM1019', spanOf(token), `'${token.text}=' does not belong here.`, { advice })
    this.next()
    if (this.peek().kind === '=') this.next()
    if (this.peek().kind === 'string') this.next()
  }

  private missingCapture() {
    const at = this.peek().start
    return { text: '', index: -1, span: { start: at, end: at } }
  }

  protected spanFrom(token: Token) {
    return { start: token.start, end: Math.max(token.end, this.previousEnd()) }
  }
}
