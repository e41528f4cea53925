import { knownStatusFlags } from '../devices/status.ts'
import { didYouMean as did, suggest } from '../protocol/did-you-mean.ts'
import type { Expr, Span } from './ast.ts'
import { nameCase, statusEquality } from './comparison-hints.ts'
import { type Diagnostic, diagnostic } from './diagnostics.ts'
import { isStandardVariable, standardVariables, textVariables } from './standard-names.ts'

/**
 * The checker's lower half: diagnostics plumbing, names (variables, devices) and the
 * typing of conditions. checker.ts adds rules, actions, templates and timers on top.
 */
export interface CheckOptions {
  /** Devices and the variables they report, when known (serve, or `--device`). */
  devices?: ReadonlyMap<string, readonly string[]>
  /**
   * Values the devices report, by lower-case variable name, when known (serve, or the
   * timeline of `rules test`): a model compared in the wrong capitals can never match.
   */
  values?: ReadonlyMap<string, readonly string[]>
}

/** The status flags a rule may test with `has` (NUT's standard tokens). */
export const statusFlags = knownStatusFlags

export type Type = 'number' | 'string' | 'bool' | 'dynamic' | 'flag' | 'error'

export class ExpressionChecker {
  protected readonly out: Diagnostic[] = []
  protected readonly deviceVariables = new Set<string>()
  protected readonly options: CheckOptions

  constructor(options: CheckOptions) {
    this.options = options
    for (const vars of options.devices?.values() ?? [])
      for (const v of vars) this.deviceVariables.add(v.toLowerCase())
  }

  protected error(code: Diagnostic['code'], span: Span, message: string, advice?: string): void {
    this.out.push(diagnostic(code, span, message, advice === undefined ? {} : { advice }))
  }

  protected warn(code: Diagnostic['code'], span: Span, message: string, advice?: string): void {
    this.out.push(
      diagnostic(
        code,
        span,
        message,
        advice === undefined ? { severity: 'warning' } : { advice, severity: 'warning' },
      ),
    )
  }

  protected device(name: string, span: Span): void {
    const devices = this.options.devices
    if (
      devices === undefined ||
      name === '' ||
      [...devices.keys()].some((d) => d.toLowerCase() === name.toLowerCase())
    )
      return
    this.warn(
      'RULE2014',
      span,
      `No device named '${name}'.${did(suggest(name, devices.keys()))}`,
      'The rule will do nothing until such a device exists.',
    )
  }

  protected variableName(name: string, span: Span): void {
    const lower = name.toLowerCase()
    if (
      lower === 'comm' ||
      lower === '' ||
      isStandardVariable(lower) ||
      this.deviceVariables.has(lower)
    )
      return
    const guess = suggest(name, [...standardVariables, ...this.deviceVariables, 'comm'])
    if (guess !== undefined)
      this.error(
        'RULE2001',
        span,
        `Unknown variable '${name}'. Did you mean '${guess}'?`,
        'Variable names are NUT names: see `nutshell upsc DEVICE` for what a device reports.',
      )
    else
      this.warn(
        'RULE2002',
        span,
        `'${name}' is not a NUT standard variable.`,
        'Fine if your device reports it; otherwise the comparisons on it are always false.',
      )
  }

  protected condition(expr: Expr): void {
    const type = this.expr(expr)
    if (type !== 'bool' && type !== 'error') {
      this.error(
        'RULE2008',
        expr.span,
        'A condition is expected here, not a value.',
        `Compare the value, as in: ${describe(expr)} > 0, or ups.status has OB.`,
      )
      return
    }
    if (type === 'bool' && !readsVariable(expr))
      this.warn(
        'RULE2013',
        expr.span,
        'This condition reads no variable: it is always true or always false.',
      )
  }

  protected expr(expr: Expr): Type {
    switch (expr.kind) {
      case 'number':
      case 'duration':
        return 'number'
      case 'string':
        return 'string'
      case 'flag':
        return 'flag'
      case 'missing':
        return 'error'
      case 'var':
        if (expr.device !== undefined)
          this.device(expr.device, {
            start: expr.span.start,
            end: expr.span.start + expr.device.length,
          })
        this.variableName(
          expr.name,
          expr.device === undefined
            ? expr.span
            : { start: expr.span.end - expr.name.length, end: expr.span.end },
        )
        return expr.name.toLowerCase() === 'comm' ? 'string' : 'dynamic'
      case 'unary': {
        const t = this.expr(expr.operand)
        if (expr.op === 'not') {
          if (t !== 'bool' && t !== 'error')
            this.error(
              'RULE2008',
              expr.operand.span,
              "'not' needs a condition, not a value.",
              'For example: not ups.status has OL',
            )
          return 'bool'
        }
        if (t === 'string' || t === 'bool')
          this.error('RULE2007', expr.span, 'Only numbers can be negated.')
        return 'number'
      }
      case 'binary': {
        const status = statusEquality(expr.op, expr.left, expr.right, expr.span)
        if (status !== undefined) {
          this.out.push(status.diagnostic)
          // A bare flag (ups.status == OB) is not a variable: one diagnostic says it all.
          for (const side of [expr.left, expr.right]) if (side !== status.bareSide) this.expr(side)
          return 'bool'
        }
        const l = this.expr(expr.left)
        const r =
          expr.op === 'has'
            ? expr.right.kind === 'flag'
              ? 'flag'
              : this.expr(expr.right)
            : this.expr(expr.right)
        switch (expr.op) {
          case 'and':
          case 'or':
            for (const [t, side] of [
              [l, expr.left],
              [r, expr.right],
            ] as const)
              if (t !== 'bool' && t !== 'error')
                this.error(
                  'RULE2008',
                  side.span,
                  `'${expr.op}' joins conditions; ${describe(side)} is a value.`,
                  `Compare it: ${describe(side)} < 20`,
                )
            return 'bool'
          case 'has':
            this.hasFlag(expr.left, expr.right, l)
            return 'bool'
          case '==':
          case '!=':
          case '~=':
          case '<':
          case '<=':
          case '>':
          case '>=':
            this.comparison(expr.op, expr.left, l, expr.right, r, expr.span)
            return 'bool'
          default:
            for (const [t, side] of [
              [l, expr.left],
              [r, expr.right],
            ] as const)
              if (t === 'string' || t === 'bool' || isText(side))
                this.error(
                  'RULE2007',
                  side.span,
                  `Arithmetic needs numbers; ${describe(side)} is ${t === 'bool' ? 'a condition' : 'text'}.`,
                )
            if (
              (expr.op === '/' || expr.op === '%') &&
              expr.right.kind === 'number' &&
              expr.right.value === 0
            )
              this.error('RULE2016', expr.right.span, 'Division by zero.')
            return 'number'
        }
      }
    }
  }

  protected hasFlag(left: Expr, right: Expr, leftType: Type): void {
    if (leftType === 'number' || leftType === 'bool') {
      this.error(
        'RULE2007',
        left.span,
        "'has' looks for a word in a text value such as ups.status.",
        'For example: ups.status has OB',
      )
      return
    }
    if (right.kind !== 'flag' || left.kind !== 'var' || left.name.toLowerCase() !== 'ups.status')
      return
    const flag = right.name
    if ((statusFlags as readonly string[]).includes(flag)) return
    const upper = flag.toUpperCase()
    if ((statusFlags as readonly string[]).includes(upper)) {
      this.warn('RULE2003', right.span, `Status flags are written in capitals: '${upper}'.`)
      return
    }
    const guess = suggest(flag, statusFlags)
    if (guess !== undefined)
      this.error(
        'RULE2003',
        right.span,
        `Unknown status flag '${flag}'. Did you mean '${guess}'?`,
        `Flags: ${statusFlags.join(' ')}.`,
      )
    else
      this.warn(
        'RULE2003',
        right.span,
        `'${flag}' is not a standard status flag.`,
        `Flags: ${statusFlags.join(' ')}.`,
      )
  }

  protected comparison(op: string, left: Expr, l: Type, right: Expr, r: Type, span: Span): void {
    if (l === 'error' || r === 'error') return
    if (l === 'bool' || r === 'bool') {
      this.error(
        'RULE2007',
        span,
        `'${op}' compares values, not conditions.`,
        'Join conditions with and / or.',
      )
      return
    }
    if ((l === 'string' && r === 'number') || (l === 'number' && r === 'string')) {
      this.error(
        'RULE2007',
        span,
        `'${op}' compares text with a number; it is never true.`,
        'Quote both or neither.',
      )
      return
    }
    if (op === '~=') {
      for (const [t, side] of [
        [l, left],
        [r, right],
      ] as const)
        if (t === 'number')
          this.error(
            'RULE2007',
            side.span,
            `'~=' compares text without regard to case; ${describe(side)} is a number.`,
            'Compare numbers with == or !=.',
          )
      return
    }
    const hint = nameCase(op, left, right, span, this.options.values)
    if (hint !== undefined) this.out.push(hint)
    if (op !== '==' && op !== '!=') {
      for (const [t, side] of [
        [l, left],
        [r, right],
      ] as const)
        if (t === 'string' || isText(side))
          this.error(
            'RULE2007',
            side.span,
            `${describe(side)} is text; '${op}' orders numbers.`,
            'Compare text with == or !=; ups.status has OB looks for a status flag.',
          )
    }
  }
}

function isText(expr: Expr): boolean {
  return expr.kind === 'var' && textVariables.has(expr.name.toLowerCase())
}

function describe(expr: Expr): string {
  switch (expr.kind) {
    case 'var':
      return expr.device === undefined ? expr.name : `${expr.device}:${expr.name}`
    case 'string':
      return `"${expr.value}"`
    case 'number':
      return String(expr.value)
    default:
      return 'it'
  }
}

function readsVariable(expr: Expr): boolean {
  switch (expr.kind) {
    case 'var':
      return true
    case 'unary':
      return readsVariable(expr.operand)
    case 'binary':
      return readsVariable(expr.left) || readsVariable(expr.right)
    default:
      return false
  }
}

export { did }
