import type { BinaryOp, EventRef, Expr } from './ast.ts'
import { diagnostic } from './diagnostics.ts'
import type { Token } from './lexer.ts'
import { found, reserved, spanOf, TokenCursor } from './parse-cursor.ts'
import {
  binaryPrecedence,
  comparisonPrecedence,
  notPrecedence,
  unaryMinusPrecedence,
} from './precedence.ts'

/** Expressions: Pratt precedence climbing over a table (style.md section 6). */

const maxTerms = 1000

export class ExpressionParser extends TokenCursor {
  /** Expressions written in parentheses: `(a < b) == c` is not a chain. */
  protected readonly parenthesized = new WeakSet<Expr>()

  /** Terms (values, brackets, unary operators) read in the current top-level expression. */
  private terms = 0
  private nesting = 0

  parseExpression(minPrecedence: number): Expr {
    if (this.nesting === 0) this.terms = 0
    this.nesting++
    try {
      return this.parseOperators(minPrecedence)
    } finally {
      this.nesting--
    }
  }

  /**
   * One expression holds at most `maxTerms` terms: the tree's depth is bounded, so
   * neither this parser nor the checker and compiler that walk the tree can overflow the
   * stack on a hostile file (5,000 nested parentheses did; found by test/fuzz/rules).
   */
  private tooLong(token: Token): Expr {
    this.error(
      'RULE1006',
      spanOf(token),
      `This expression nests or chains more than ${maxTerms} terms.`,
      {
        advice: 'Split the condition into several rules.',
      },
    )
    while (this.peek().kind !== '{' && this.peek().kind !== 'eof') this.next()
    return { kind: 'missing', span: { start: token.start, end: this.previousEnd() } }
  }

  private parseOperators(minPrecedence: number): Expr {
    let left = this.terms++ >= maxTerms ? this.tooLong(this.peek()) : this.parsePrefix()
    for (;;) {
      const token = this.peek()
      const op = this.infixOperator(token)
      if (op === undefined) return left
      const precedence = (binaryPrecedence as Partial<Record<string, number>>)[op] ?? 0
      if (precedence <= minPrecedence) return left
      this.next()
      this.reportSpelling(token)
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

  /** The operator a token stands for; other spellings are reported once consumed. */
  protected infixOperator(token: Token): BinaryOp | undefined {
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
      case '~=':
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return token.kind
      case '&&':
        return 'and'
      case '||':
        return 'or'
      case '=':
        return '=='
      default:
        return undefined
    }
  }

  /**
   * `=` is NUT's own way to write equality (its ideas list: ups.model = "SMART-UPS 700"),
   * and means `==`, with a style note. `&&` and `||` are errors that parse as meant.
   */
  protected reportSpelling(token: Token): void {
    if (token.kind === '=') {
      this.diagnostics.push(
        diagnostic('RULE1017', spanOf(token), "'=' compares here, as '==' does.", {
          severity: 'note',
          advice:
            "'==' is the usual spelling in rules; both mean equality in a condition. Actions assign with set VARIABLE VALUE.",
        }),
      )
      return
    }
    if (token.kind === '&&' || token.kind === '||')
      this.error(
        'RULE1011',
        spanOf(token),
        `Use '${token.kind === '&&' ? 'and' : 'or'}' instead of '${token.kind}'.`,
        { advice: 'Rules spell the logical operators and, or, not.' },
      )
  }

  protected parseFlag(): Expr {
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

  protected parsePrefix(): Expr {
    const token = this.peek()
    switch (token.kind) {
      case 'number': {
        this.next()
        // 30% is a percentage when nothing the % could divide follows; `30 % 7` and `30%7`
        // stay the remainder.
        const percent = this.peek()
        if (percent.kind === '%' && !startsOperand(this.peek(1))) {
          this.next()
          return {
            kind: 'number',
            value: token.value,
            percent: true,
            span: { start: token.start, end: percent.end },
          }
        }
        return { kind: 'number', value: token.value, span: spanOf(token) }
      }
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

  /** `NAME` or `dev:NAME`, the colon and names written without spaces. */
  protected parseQualifier(first: Token): EventRef {
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
}

/** Tokens that can begin the right side of `%`: then `30%x` is a remainder. */
function startsOperand(token: Token): boolean {
  switch (token.kind) {
    case 'number':
    case 'duration':
    case 'string':
    case '(':
      return true
    case 'name':
      return !reserved.has(token.text)
    default:
      return false
  }
}

function isComparison(op: BinaryOp): boolean {
  return (binaryPrecedence as Partial<Record<string, number>>)[op] === comparisonPrecedence
}
