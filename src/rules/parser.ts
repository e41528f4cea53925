import type {
  Action,
  BinaryOp,
  Duration,
  ElseClause,
  EventRef,
  Expr,
  Rule,
  RulesFile,
  Span,
  StringLit,
  Word,
} from './ast.ts'
import { type Diagnostic, diagnostic, suggest } from './diagnostics.ts'
import { lex, type Token, type TokenKind } from './lexer.ts'

/**
 * Recursive descent for rules and actions, Pratt precedence climbing for expressions
 * (style.md section 6). It never throws: every problem becomes a diagnostic, missing
 * pieces become placeholder nodes, and it resynchronises at the next rule so that one
 * pass reports every error it can.
 */
export interface ParseResult {
  file: RulesFile
  diagnostics: Diagnostic[]
}

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
const reserved = new Set(['and', 'or', 'not', 'has', 'for', 'when', 'else', 'on', 'device'])

const binaryPrecedence: Partial<Record<BinaryOp, number>> & Record<string, number> = {
  or: 1,
  and: 2,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '==': 4,
  '!=': 4,
  has: 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
}
const notPrecedence = 3
const comparisonPrecedence = 4
const unaryMinusPrecedence = 7

export function parseRules(text: string): ParseResult {
  const { tokens, diagnostics } = lex(text)
  const parser = new Parser(tokens, diagnostics)
  return { file: parser.parseFile(), diagnostics }
}

class Parser {
  private index = 0
  /** Expressions written in parentheses: `(a < b) == c` is not a chain. */
  private readonly parenthesized = new WeakSet<Expr>()
  private readonly tokens: Token[]
  private readonly diagnostics: Diagnostic[]

  constructor(tokens: Token[], diagnostics: Diagnostic[]) {
    this.tokens = tokens
    this.diagnostics = diagnostics
  }

  parseFile(): RulesFile {
    const rules: Rule[] = []
    while (this.peek().kind !== 'eof') {
      const rule = this.parseRule(false)
      if (rule !== undefined) rules.push(rule)
    }
    return { rules }
  }

  // ---- tokens ----------------------------------------------------------------

  private peek(offset = 0): Token {
    return (this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token) ?? eof
  }

  private next(): Token {
    const token = this.peek()
    if (token.kind !== 'eof') this.index++
    return token
  }

  private isName(word: string, token = this.peek()): boolean {
    return token.kind === 'name' && token.text === word
  }

  private previousEnd(): number {
    return this.tokens[this.index - 1]?.end ?? 0
  }

  private error(
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
  private expect(kind: TokenKind, what = `'${kind}'`, advice?: string): Token | undefined {
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

  /** Skips to the next token that starts a line and begins a rule. */
  private syncToRule(): void {
    this.next()
    while (this.peek().kind !== 'eof') {
      const token = this.peek()
      if (token.newlineBefore && token.kind === 'name' && isRuleKeyword(token.text)) return
      this.next()
    }
  }

  // ---- rules -----------------------------------------------------------------

  private parseRule(insideDevice: boolean): Rule | undefined {
    const token = this.peek()
    if (token.kind === 'name') {
      switch (token.text) {
        case 'when':
          return this.parseWhen()
        case 'on':
          return this.isName('timer', this.peek(1)) ? this.parseTimerRule() : this.parseOn()
        case 'device':
          return this.parseDevice(insideDevice)
        case 'else':
          this.error('RULE1014', spanOf(token), "'else' must follow the '}' of a 'when' rule.", {
            advice: 'Write: when COND { ... } else { ... }',
          })
          this.syncToRule()
          return undefined
      }
      const guess = suggest(token.text, ruleKeywords)
      const isAction = (actionKeywords as readonly string[]).includes(token.text)
      this.error('RULE1007', spanOf(token), `Unknown rule '${token.text}'.${didYouMean(guess)}`, {
        advice: isAction
          ? `An action runs inside a rule: when COND { ${token.text} ... } or on EVENT { ${token.text} ... }.`
          : 'A rule starts with when, on or device.',
      })
      this.syncToRule()
      return undefined
    }
    if (token.kind === '}') {
      this.error('RULE1009', spanOf(token), "Unmatched '}'.", {
        advice: 'Remove it, or add the rule it should close.',
      })
      this.next()
      return undefined
    }
    if (token.kind !== 'unknown')
      this.error('RULE1007', spanOf(token), `A rule is expected here${found(token)}.`, {
        advice: 'A rule starts with when, on or device.',
      })
    this.syncToRule()
    return undefined
  }

  private parseWhen(): Rule {
    const start = this.next().start
    const cond = this.parseExpression(0)
    const hold = this.parseOptionalFor()
    const body = this.parseBlock('when')
    let otherwise: ElseClause | undefined
    if (this.isName('else')) {
      const elseStart = this.next().start
      let elseCond: Expr | undefined
      if (this.isName('when')) {
        this.next()
        elseCond = this.parseExpression(0)
      }
      const elseHold = this.parseOptionalFor()
      const elseBody = this.parseBlock('else')
      otherwise = {
        cond: elseCond,
        hold: elseHold,
        body: elseBody,
        span: { start: elseStart, end: this.previousEnd() },
      }
    }
    return { kind: 'when', cond, hold, body, otherwise, span: { start, end: this.previousEnd() } }
  }

  private parseOptionalFor(): Duration | undefined {
    if (!this.isName('for')) return undefined
    this.next()
    return this.parseDuration("'for'")
  }

  private parseDuration(after: string): Duration {
    const token = this.peek()
    if (token.kind === 'duration') {
      this.next()
      return { seconds: token.value, text: token.text, span: spanOf(token) }
    }
    if (token.kind === 'number') {
      this.next()
      this.error('RULE1012', spanOf(token), `A duration needs a unit: '${token.text}s'?`, {
        advice: 'Write 30s, 5m, 1h or 1d.',
      })
      return { seconds: token.value, text: `${token.text}s`, span: spanOf(token) }
    }
    this.error('RULE1012', spanOf(token), `A duration is expected after ${after}${found(token)}.`, {
      advice: 'Write 30s, 5m, 1h or 1d.',
    })
    return { seconds: 0, text: '0s', span: { start: token.start, end: token.start } }
  }

  private parseOn(): Rule | undefined {
    const start = this.next().start
    const events: EventRef[] = []
    for (;;) {
      const token = this.peek()
      const quotedDevice = token.kind === 'string' && this.peek(1).kind === ':'
      if (!quotedDevice && (token.kind !== 'name' || reserved.has(token.text))) {
        this.error('RULE1013', spanOf(token), `An event name is expected${found(token)}.`, {
          advice: 'For example: on ONBATT { ... }, or on timer NAME { ... }.',
        })
        break
      }
      this.next()
      const qualified = this.parseQualifier(token)
      events.push(qualified)
      if (this.peek().kind !== ',') break
      this.next()
    }
    if (this.isName('for')) {
      const token = this.next()
      this.error('RULE1014', spanOf(token), "'for' belongs to 'when' rules, not to 'on' rules.", {
        advice: 'To wait after an event, start a timer: on ONBATT { start timer t 2m }.',
      })
      this.parseDuration("'for'")
    }
    const body = this.parseBlock('on')
    this.rejectElse('on')
    return { kind: 'on', events, body, span: { start, end: this.previousEnd() } }
  }

  private parseTimerRule(): Rule {
    const start = this.next().start
    this.next()
    const name = this.parseWord('timer name') ?? missingWord(this.peek())
    const body = this.parseBlock('on timer')
    this.rejectElse('on timer')
    return { kind: 'timer', name, body, span: { start, end: this.previousEnd() } }
  }

  private rejectElse(what: string): void {
    if (!this.isName('else')) return
    const token = this.next()
    this.error('RULE1014', spanOf(token), `'else' belongs to 'when' rules, not to '${what}'.`, {
      advice: "Use a 'when' rule for something that starts and stops holding.",
    })
    if (this.peek().kind === '{') this.parseBlock('else')
  }

  private parseDevice(insideDevice: boolean): Rule | undefined {
    const keyword = this.next()
    if (insideDevice)
      this.error('RULE1015', spanOf(keyword), "A 'device' block cannot be inside another.", {
        advice: "Close the first device block with '}' before opening the next.",
      })
    const name = this.parseWord('device name') ?? missingWord(this.peek())
    const open = this.expect('{', "'{'", 'A device block holds rules: device "ups1" { when ... }')
    const rules: Rule[] = []
    if (open !== undefined) {
      while (this.peek().kind !== '}' && this.peek().kind !== 'eof') {
        const rule = this.parseRule(true)
        if (rule !== undefined) rules.push(rule)
      }
      this.closeBrace(open)
    }
    return { kind: 'device', name, rules, span: { start: keyword.start, end: this.previousEnd() } }
  }

  private closeBrace(open: Token): void {
    if (this.peek().kind === '}') {
      this.next()
      return
    }
    this.error('RULE1009', spanOf(this.peek()), `'}' expected${found(this.peek())}.`, {
      related: [{ span: spanOf(open), message: "to match this '{'" }],
    })
  }

  /** `NAME` or `dev:NAME`, the colon and names written without spaces. */
  private parseQualifier(first: Token): EventRef {
    const colon = this.peek()
    const second = this.peek(1)
    if (colon.kind === ':' && colon.start === first.end && second.kind === 'name') {
      if (second.start === colon.end) {
        this.next()
        this.next()
        return {
          device: first.text,
          name: second.text,
          span: { start: first.start, end: second.end },
        }
      }
    }
    if (colon.kind === ':' && colon.start === first.end) {
      this.next()
      this.error(
        'RULE1013',
        spanOf(this.peek()),
        `Write '${first.text}:' and the name with no space between.`,
        {
          advice: 'Write DEVICE:NAME with no spaces, as in ups1:battery.charge.',
        },
      )
      const name = this.peek()
      if (name.kind === 'name' && !reserved.has(name.text)) {
        this.next()
        return { device: first.text, name: name.text, span: { start: first.start, end: name.end } }
      }
    }
    return { device: undefined, name: first.text, span: spanOf(first) }
  }

  // ---- actions -----------------------------------------------------------------

  private parseBlock(owner: string): Action[] {
    const open = this.peek()
    if (open.kind !== '{') {
      const isAction =
        open.kind === 'name' && (actionKeywords as readonly string[]).includes(open.text)
      this.error('RULE1005', spanOf(open), `'{' expected${found(open)}.`, {
        advice: isAction
          ? `Put the actions of a '${owner}' rule in braces: { ${open.text} ... }.`
          : `The actions of a '${owner}' rule go in braces after it.`,
      })
      if (!isAction) return []
      // Parse the actions anyway so their own mistakes are reported too.
      const actions: Action[] = []
      while (this.peek().kind === 'name' && !isRuleKeyword(this.peek().text)) {
        const action = this.parseAction()
        if (action !== undefined) actions.push(action)
        else break
      }
      return actions
    }
    this.next()
    const actions: Action[] = []
    for (;;) {
      const token = this.peek()
      if (token.kind === '}') {
        this.next()
        return actions
      }
      if (token.kind === ';') {
        this.next()
        continue
      }
      if (
        token.kind === 'eof' ||
        (token.kind === 'name' && token.newlineBefore && isRuleKeyword(token.text))
      ) {
        this.closeBrace(open)
        return actions
      }
      const action = this.parseAction()
      if (action !== undefined) actions.push(action)
    }
  }

  private parseAction(): Action | undefined {
    const token = this.peek()
    if (token.kind !== 'name') {
      this.error('RULE1008', spanOf(token), `An action is expected${found(token)}.`, {
        advice:
          'Actions: notify, log, exec, webhook, instcmd, set, fsd, shutdown, hibernate, start timer, cancel timer.',
      })
      this.skipLine()
      return undefined
    }
    this.next()
    const start = token.start
    const span = () => ({ start, end: this.previousEnd() })
    switch (token.text) {
      case 'notify':
      case 'log': {
        const text = this.parseString(`'${token.text}'`)
        return { kind: token.text, text, span: span() }
      }
      case 'exec':
        return this.parseExec(start)
      case 'webhook':
        return { kind: 'webhook', url: this.parseString("'webhook'"), span: span() }
      case 'instcmd': {
        const words = this.lineWords()
        if (words.length === 0 || words.length > 3) {
          this.error(
            'RULE1013',
            words.length === 0 ? spanOf(token) : (words[3] as Word).span,
            words.length === 0
              ? 'An instant command name is expected.'
              : 'Too many words for instcmd.',
            {
              advice:
                'Write: instcmd [DEVICE] COMMAND [PARAMETER], e.g. instcmd ups2 beeper.disable',
            },
          )
          return undefined
        }
        const [a, b, c] = words as [Word, Word | undefined, Word | undefined]
        if (b === undefined)
          return { kind: 'instcmd', device: undefined, command: a, param: undefined, span: span() }
        if (c === undefined && isValueWord(b, this.tokensOf(b)))
          return { kind: 'instcmd', device: undefined, command: a, param: b, span: span() }
        return {
          kind: 'instcmd',
          device: a,
          command: b,
          param: c,
          span: span(),
        }
      }
      case 'set': {
        const words = this.lineWords()
        if (words.length < 2 || words.length > 3) {
          this.error(
            'RULE1013',
            spanOf(token),
            `'set' takes [DEVICE] VARIABLE VALUE, not ${words.length} word${words.length === 1 ? '' : 's'}.`,
            {
              advice: 'Write: set battery.charge.low 30, or set ups2 ups.delay.shutdown 120',
            },
          )
          return undefined
        }
        const [a, b, c] = words as [Word, Word, Word | undefined]
        return c === undefined
          ? { kind: 'set', device: undefined, variable: a, value: b, span: span() }
          : { kind: 'set', device: a, variable: b, value: c, span: span() }
      }
      case 'fsd': {
        const words = this.lineWords()
        if (words.length > 1)
          this.error('RULE1013', (words[1] as Word).span, "'fsd' takes at most one device name.")
        return { kind: 'fsd', device: words[0], span: span() }
      }
      case 'shutdown':
      case 'hibernate':
        return { kind: token.text, span: span() }
      case 'start': {
        this.expectTimerWord('start')
        const name = this.parseWord('timer name') ?? missingWord(this.peek())
        const duration = this.parseDuration('the timer name')
        return { kind: 'start-timer', name, duration, span: span() }
      }
      case 'cancel': {
        this.expectTimerWord('cancel')
        const name = this.parseWord('timer name') ?? missingWord(this.peek())
        let otherwise: Action[] | undefined
        if (this.isName('else') && !this.peek().newlineBefore) {
          this.next()
          otherwise = this.parseBlock('cancel timer ... else')
        }
        return { kind: 'cancel-timer', name, otherwise, span: span() }
      }
    }
    const guess = suggest(token.text, actionKeywords)
    this.error('RULE1008', spanOf(token), `Unknown action '${token.text}'.${didYouMean(guess)}`, {
      advice:
        'Actions: notify, log, exec, webhook, instcmd, set, fsd, shutdown, hibernate, start timer, cancel timer.',
    })
    this.skipLine()
    return undefined
  }

  private expectTimerWord(verb: string): void {
    if (this.isName('timer')) {
      this.next()
      return
    }
    this.error(
      'RULE1005',
      spanOf(this.peek()),
      `'timer' expected after '${verb}'${found(this.peek())}.`,
      {
        advice: `Write: ${verb} timer NAME${verb === 'start' ? ' 5m' : ''}`,
      },
    )
  }

  private parseExec(start: number): Action {
    const argv: StringLit[] = []
    const open = this.peek()
    if (open.kind !== '[') {
      this.error('RULE1005', spanOf(open), `'[' expected after 'exec'${found(open)}.`, {
        advice:
          'exec takes a list of strings and runs it without a shell: exec ["/usr/local/bin/alert", "on battery"]',
      })
      if (open.kind === 'string' && !open.newlineBefore) {
        this.next()
        argv.push({ value: open.text, span: spanOf(open) })
      }
    } else {
      this.next()
      while (this.peek().kind !== ']') {
        const token = this.peek()
        if (token.kind === 'string') {
          this.next()
          argv.push({ value: token.text, span: spanOf(token) })
        } else {
          this.error(
            'RULE1009',
            spanOf(token),
            `A string or ']' expected in the exec list${found(token)}.`,
            {
              related: [{ span: spanOf(open), message: 'the list opened here' }],
              advice: 'Each argument is a quoted string, separated by commas.',
            },
          )
          if (token.kind === 'eof' || token.kind === '}' || token.newlineBefore) break
          this.next()
          continue
        }
        if (this.peek().kind === ',') this.next()
        else if (this.peek().kind !== ']') {
          const t = this.peek()
          this.error('RULE1005', spanOf(t), `',' or ']' expected${found(t)}.`, {
            related: [{ span: spanOf(open), message: 'the list opened here' }],
          })
          if (t.kind === 'eof' || t.kind === '}' || t.newlineBefore) break
        }
      }
      if (this.peek().kind === ']') this.next()
    }
    let timeout: Duration | undefined
    if (this.isName('timeout') && !this.peek().newlineBefore) {
      this.next()
      timeout = this.parseDuration("'timeout'")
    }
    return { kind: 'exec', argv, timeout, span: { start, end: this.previousEnd() } }
  }

  private parseString(after: string): StringLit {
    const token = this.peek()
    if (token.kind === 'string') {
      this.next()
      return { value: token.text, span: spanOf(token) }
    }
    this.error(
      'RULE1005',
      spanOf(token),
      `A quoted string is expected after ${after}${found(token)}.`,
      {
        advice: `Quote the text: ${after.replace(/'/g, '')} "UPS {ups} is on battery"`,
      },
    )
    if (token.kind === 'name' && !token.newlineBefore) this.skipLine()
    return { value: '', span: { start: token.start, end: token.start } }
  }

  private parseWord(what: string): Word | undefined {
    const token = this.peek()
    if ((token.kind === 'name' && !reserved.has(token.text)) || token.kind === 'string') {
      this.next()
      return { text: token.text, quoted: token.kind === 'string', span: spanOf(token) }
    }
    this.error('RULE1013', spanOf(token), `A ${what} is expected${found(token)}.`)
    return undefined
  }

  /** Words (names, numbers, strings) following on the same line. */
  private lineWords(): Word[] {
    const words: Word[] = []
    for (;;) {
      const token = this.peek()
      if (token.newlineBefore) return words
      if (
        token.kind === 'name' ||
        token.kind === 'number' ||
        token.kind === 'string' ||
        token.kind === 'duration'
      ) {
        this.next()
        words.push({ text: token.text, quoted: token.kind === 'string', span: spanOf(token) })
        continue
      }
      if (
        token.kind === '-' &&
        this.peek(1).kind === 'number' &&
        this.peek(1).start === token.end
      ) {
        this.next()
        const number = this.next()
        words.push({
          text: `-${number.text}`,
          quoted: false,
          span: { start: token.start, end: number.end },
        })
        continue
      }
      return words
    }
  }

  private tokensOf(word: Word): Token | undefined {
    return this.tokens.find((t) => t.start === word.span.start)
  }

  private skipLine(): void {
    while (this.peek().kind !== 'eof' && this.peek().kind !== '}' && !this.peek().newlineBefore)
      this.next()
  }

  // ---- expressions (Pratt) -------------------------------------------------------

  parseExpression(minPrecedence: number): Expr {
    let left = this.parsePrefix()
    for (;;) {
      const token = this.peek()
      const op = this.infixOperator(token)
      if (op === undefined) return left
      const precedence = binaryPrecedence[op] ?? 0
      if (precedence <= minPrecedence) return left
      this.next()
      const right = op === 'has' ? this.parseFlag() : this.parseExpression(precedence)
      const span = { start: left.span.start, end: right.span.end }
      if (
        precedence === comparisonPrecedence &&
        left.kind === 'binary' &&
        isComparison(left.op) &&
        !this.parenthesized.has(left)
      ) {
        this.error('RULE1010', spanOf(token), `Comparisons cannot be chained ('${token.text}').`, {
          advice: 'Join them with and: battery.charge > 20 and battery.charge < 80',
        })
        // Recover as `a < b and b < c`, which is what was almost certainly meant.
        const middle = left.right
        const second: Expr = {
          kind: 'binary',
          op,
          left: middle,
          right,
          span: { start: middle.span.start, end: right.span.end },
        }
        left = { kind: 'binary', op: 'and', left, right: second, span }
        continue
      }
      left = { kind: 'binary', op, left, right, span }
    }
  }

  private infixOperator(token: Token): BinaryOp | undefined {
    switch (token.kind) {
      case 'name':
        return token.text === 'and' || token.text === 'or' || token.text === 'has'
          ? token.text
          : undefined
      case '<':
      case '<=':
      case '>':
      case '>=':
      case '==':
      case '!=':
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return token.kind
      case '&&':
      case '||':
      case '=': {
        const word = token.kind === '&&' ? 'and' : token.kind === '||' ? 'or' : '=='
        this.error('RULE1011', spanOf(token), `Use '${word}' instead of '${token.kind}'.`, {
          advice:
            token.kind === '='
              ? "'=' is not a comparison here; compare with '=='."
              : 'Rules spell the logical operators and, or, not.',
        })
        return word
      }
      default:
        return undefined
    }
  }

  private parseFlag(): Expr {
    const token = this.peek()
    if (token.kind === 'name' && !reserved.has(token.text)) {
      this.next()
      return { kind: 'flag', name: token.text, span: spanOf(token) }
    }
    if (token.kind === 'string') {
      this.next()
      return { kind: 'string', value: token.text, span: spanOf(token) }
    }
    this.error('RULE1005', spanOf(token), `A status flag is expected after 'has'${found(token)}.`, {
      advice:
        'For example: ups.status has OB (flags: OL OB LB HB RB CHRG DISCHRG BYPASS CAL OFF OVER TRIM BOOST FSD ALARM).',
    })
    return { kind: 'missing', span: { start: token.start, end: token.start } }
  }

  private parsePrefix(): Expr {
    const token = this.peek()
    switch (token.kind) {
      case 'number':
        this.next()
        return { kind: 'number', value: token.value, span: spanOf(token) }
      case 'duration':
        this.next()
        return { kind: 'duration', seconds: token.value, text: token.text, span: spanOf(token) }
      case 'string': {
        this.next()
        // "rack-1":ups.load names a device whose name is not a plain word.
        if (this.peek().kind === ':' && this.peek().start === token.end) {
          const ref = this.parseQualifier(token)
          if (ref.device !== undefined)
            return { kind: 'var', device: ref.device, name: ref.name, span: ref.span }
        }
        return { kind: 'string', value: token.text, span: spanOf(token) }
      }
      case '(': {
        this.next()
        const inner = this.parseExpression(0)
        if (this.peek().kind === ')') this.next()
        else
          this.error('RULE1009', spanOf(this.peek()), `')' expected${found(this.peek())}.`, {
            related: [{ span: spanOf(token), message: "to match this '('" }],
          })
        this.parenthesized.add(inner)
        return inner
      }
      case '-': {
        this.next()
        const operand = this.parseExpression(unaryMinusPrecedence)
        return {
          kind: 'unary',
          op: '-',
          operand,
          span: { start: token.start, end: operand.span.end },
        }
      }
      case '!': {
        this.next()
        this.error('RULE1011', spanOf(token), "Use 'not' instead of '!'.", {
          advice: 'Rules spell the logical operators and, or, not.',
        })
        const operand = this.parseExpression(notPrecedence)
        return {
          kind: 'unary',
          op: 'not',
          operand,
          span: { start: token.start, end: operand.span.end },
        }
      }
      case 'name': {
        if (token.text === 'not') {
          this.next()
          const operand = this.parseExpression(notPrecedence)
          return {
            kind: 'unary',
            op: 'not',
            operand,
            span: { start: token.start, end: operand.span.end },
          }
        }
        if (!reserved.has(token.text)) {
          this.next()
          const ref = this.parseQualifier(token)
          return { kind: 'var', device: ref.device, name: ref.name, span: ref.span }
        }
        break
      }
      case 'unknown':
        this.next()
        return { kind: 'missing', span: spanOf(token) }
    }
    this.error('RULE1006', spanOf(token), `An expression is expected${found(token)}.`, {
      advice: 'A condition compares variables, as in: battery.charge < 20 and ups.status has OB',
    })
    return { kind: 'missing', span: { start: token.start, end: token.start } }
  }
}

const eof: Token = { kind: 'eof', start: 0, end: 0, text: '', value: 0, newlineBefore: false }

function isRuleKeyword(word: string): boolean {
  return (ruleKeywords as readonly string[]).includes(word)
}

function isComparison(op: BinaryOp): boolean {
  return binaryPrecedence[op] === comparisonPrecedence
}

function isValueWord(word: Word, token: Token | undefined): boolean {
  return (
    word.quoted || token?.kind === 'number' || token?.kind === 'duration' || /^-?\d/.test(word.text)
  )
}

function spanOf(token: Token): Span {
  return {
    start: token.start,
    end: Math.max(token.end, token.start + (token.kind === 'eof' ? 0 : 1)),
  }
}

function found(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return ', found the end of the file'
    case 'string':
      return `, found "${token.text}"`
    case 'unknown':
      return ''
    default:
      return `, found '${token.text}'`
  }
}

function didYouMean(guess: string | undefined): string {
  return guess === undefined ? '' : ` Did you mean '${guess}'?`
}

function missingWord(token: Token): Word {
  return { text: '', quoted: false, span: { start: token.start, end: token.start } }
}
