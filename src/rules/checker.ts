import { isNotifyEvent, notifyEventNames } from '../monitor/notify-events.ts'
import type { Action, Expr, Rule, RulesFile, Span, StringLit, Word } from './ast.ts'
import { type Diagnostic, diagnostic, suggest } from './diagnostics.ts'
import {
  isStandardCommand,
  isStandardVariable,
  standardCommands,
  standardVariables,
  textVariables,
} from './standard-names.ts'
import { parseTemplate } from './template.ts'

/**
 * The checker: meaning, after syntax. Resolves names (variables against NUT's standard
 * names and what the devices report, events, status flags, commands, timers) with "did
 * you mean", and types conditions. A misspelling close to a known name is an error; a
 * name nobody knows is a warning (a device may report non-standard variables).
 */
export interface CheckOptions {
  /** Devices and the variables they report, when known (serve, or `--device`). */
  devices?: ReadonlyMap<string, readonly string[]>
}

export const statusFlags = [
  'OL',
  'OB',
  'LB',
  'HB',
  'RB',
  'CHRG',
  'DISCHRG',
  'BYPASS',
  'CAL',
  'OFF',
  'OVER',
  'TRIM',
  'BOOST',
  'FSD',
  'ALARM',
  'WAIT',
  'ECO',
] as const

type Type = 'number' | 'string' | 'bool' | 'dynamic' | 'flag' | 'error'

interface TimerUse {
  name: string
  span: Span
}

export function checkRules(file: RulesFile, options: CheckOptions = {}): Diagnostic[] {
  return new Checker(options).check(file)
}

class Checker {
  private readonly out: Diagnostic[] = []
  private readonly started: TimerUse[] = []
  private readonly cancelled: TimerUse[] = []
  private readonly handled: TimerUse[] = []
  private readonly deviceVariables = new Set<string>()
  private readonly options: CheckOptions

  constructor(options: CheckOptions) {
    this.options = options
    for (const vars of options.devices?.values() ?? [])
      for (const v of vars) this.deviceVariables.add(v.toLowerCase())
  }

  check(file: RulesFile): Diagnostic[] {
    for (const rule of file.rules) this.rule(rule, undefined)
    const startedNames = new Set(this.started.map((t) => t.name))
    const handledNames = new Set(this.handled.map((t) => t.name))
    for (const t of this.started)
      if (
        t.name !== '' &&
        !handledNames.has(t.name) &&
        this.started.find((s) => s.name === t.name) === t
      )
        this.warn(
          'RULE2005',
          t.span,
          `Timer '${t.name}' is started but no 'on timer ${t.name}' rule handles it.${did(suggest(t.name, handledNames))}`,
          'Add: on timer NAME { ... }, or remove the timer.',
        )
    for (const t of [...this.handled, ...this.cancelled])
      if (t.name !== '' && !startedNames.has(t.name))
        this.warn(
          'RULE2006',
          t.span,
          `Timer '${t.name}' is never started.${did(suggest(t.name, startedNames))}`,
          'Start it in a rule: start timer NAME 5m.',
        )
    return this.out.sort((a, b) => a.span.start - b.span.start)
  }

  private error(code: Diagnostic['code'], span: Span, message: string, advice?: string): void {
    this.out.push(diagnostic(code, span, message, advice === undefined ? {} : { advice }))
  }

  private warn(code: Diagnostic['code'], span: Span, message: string, advice?: string): void {
    this.out.push(
      diagnostic(
        code,
        span,
        message,
        advice === undefined ? { severity: 'warning' } : { advice, severity: 'warning' },
      ),
    )
  }

  private rule(rule: Rule, device: string | undefined): void {
    switch (rule.kind) {
      case 'when':
        this.condition(rule.cond)
        this.hold(rule.hold)
        this.block(rule.body, keyword(rule.span, 4), true)
        if (rule.otherwise !== undefined) {
          if (rule.otherwise.cond !== undefined) this.condition(rule.otherwise.cond)
          this.hold(rule.otherwise.hold)
          // An empty `else when` block is the way to say "re-arm only when ...": no warning.
          this.block(
            rule.otherwise.body,
            keyword(rule.otherwise.span, 4),
            rule.otherwise.cond === undefined,
          )
        }
        return
      case 'on':
        for (const event of rule.events) {
          if (event.device !== undefined) this.device(event.device, event.span)
          if (!isNotifyEvent(event.name)) {
            const guess = suggest(event.name, notifyEventNames)
            this.error(
              'RULE2004',
              event.span,
              `Unknown notify event '${event.name}'.${did(guess)}`,
              'Events: ONLINE ONBATT LOWBATT FSD COMMOK COMMBAD SHUTDOWN REPLBATT NOCOMM CAL NOTCAL OFF BYPASS ALARM OVER TRIM BOOST OTHER (and NOT...).',
            )
          }
        }
        this.block(rule.body, keyword(rule.span, 2), true)
        return
      case 'timer':
        if (this.handled.some((h) => h.name === rule.name.text && device === undefined))
          this.warn(
            'RULE2017',
            rule.name.span,
            `A second 'on timer ${rule.name.text}' rule: both will run.`,
          )
        this.handled.push({ name: rule.name.text, span: rule.name.span })
        this.block(rule.body, keyword(rule.span, 8), true)
        return
      case 'device':
        this.device(rule.name.text, rule.name.span)
        for (const inner of rule.rules) this.rule(inner, rule.name.text)
        return
    }
  }

  private device(name: string, span: Span): void {
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

  private hold(hold: { seconds: number; span: Span } | undefined): void {
    // NaN: the lexer already reported a bad duration.
    if (hold !== undefined && hold.seconds <= 0 && hold.span.end > hold.span.start)
      this.error(
        'RULE2011',
        hold.span,
        'The duration must be longer than zero.',
        "Leave out 'for' to act at once.",
      )
  }

  private block(actions: Action[], span: Span, warnEmpty: boolean): void {
    if (actions.length === 0 && warnEmpty)
      this.warn('RULE2015', span, 'This rule has no actions; it does nothing.')
    for (const action of actions) this.action(action)
  }

  private action(action: Action): void {
    switch (action.kind) {
      case 'notify':
      case 'log':
        this.template(action.text)
        return
      case 'exec': {
        const program = action.argv[0]
        if (program === undefined)
          this.error(
            'RULE2012',
            action.span,
            'exec needs at least the program to run.',
            'exec ["/usr/local/bin/alert", "{ups}"]',
          )
        else if (!program.value.startsWith('/'))
          this.warn(
            'RULE2012',
            program.span,
            `'${program.value}' is not an absolute path; it is looked up in PATH.`,
            'Give the full path so the rule does not depend on the environment.',
          )
        for (const arg of action.argv) this.template(arg)
        if (action.timeout !== undefined) this.hold(action.timeout)
        return
      }
      case 'webhook':
        if (!/^https?:\/\/[^\s/]+/.test(action.url.value))
          this.error(
            'RULE2012',
            action.url.span,
            `'${action.url.value}' is not an http:// or https:// URL.`,
            'webhook "https://example.net/hooks/ups"',
          )
        return
      case 'instcmd':
        if (action.device !== undefined) this.device(action.device.text, action.device.span)
        if (action.command.text !== '' && !isStandardCommand(action.command.text)) {
          const guess = suggest(action.command.text, standardCommands)
          this.warn(
            'RULE2010',
            action.command.span,
            `'${action.command.text}' is not a standard NUT instant command.${did(guess)}`,
            'Fine if your device has it: see `nutshell upscmd -l DEVICE`.',
          )
        }
        return
      case 'set':
        if (action.device !== undefined) this.device(action.device.text, action.device.span)
        this.variableName(action.variable.text, action.variable.span)
        return
      case 'fsd':
        if (action.device !== undefined) this.device(action.device.text, action.device.span)
        return
      case 'shutdown':
      case 'hibernate':
        return
      case 'start-timer':
        this.started.push(timerUse(action.name))
        if (action.duration.seconds <= 0 && action.duration.span.end > action.duration.span.start)
          this.error('RULE2011', action.duration.span, 'A timer needs a duration longer than zero.')
        return
      case 'cancel-timer':
        this.cancelled.push(timerUse(action.name))
        if (action.otherwise !== undefined) this.block(action.otherwise, action.span, false)
        return
    }
  }

  private template(text: StringLit): void {
    const parsed = parseTemplate(text.value)
    const base = text.span.start + 1
    for (const p of parsed.problems)
      this.error('RULE2009', { start: base + p.offset, end: base + p.offset + p.length }, p.message)
    for (const part of parsed.parts) {
      if (
        part.kind !== 'ref' ||
        (part.device === undefined && (part.name === 'ups' || part.name === 'event'))
      )
        continue
      if (part.device !== undefined)
        this.device(part.device, {
          start: base + part.offset,
          end: base + part.offset + part.device.length,
        })
      const offset = base + part.offset + (part.device === undefined ? 0 : part.device.length + 1)
      this.variableName(part.name, { start: offset, end: offset + part.name.length })
    }
  }

  private variableName(name: string, span: Span): void {
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

  private condition(expr: Expr): void {
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

  private expr(expr: Expr): Type {
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

  private hasFlag(left: Expr, right: Expr, leftType: Type): void {
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

  private comparison(op: string, left: Expr, l: Type, right: Expr, r: Type, span: Span): void {
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

/** The span of a rule's first words, so a warning about the whole rule underlines its keyword. */
function keyword(span: Span, length: number): Span {
  return { start: span.start, end: Math.min(span.end, span.start + length) }
}

function timerUse(word: Word): TimerUse {
  return { name: word.text, span: word.span }
}

function did(guess: string | undefined): string {
  return guess === undefined ? '' : ` Did you mean '${guess}'?`
}
