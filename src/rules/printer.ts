import { assertNever } from '../core/errors.ts'
import type { Action, Duration, Expr, Rule, RulesFile, Word } from './ast.ts'
import {
  binaryPrecedence,
  comparisonPrecedence,
  notPrecedence,
  unaryMinusPrecedence,
} from './precedence.ts'

/**
 * Prints a tree back as rules text in the canonical layout. Parsing the output gives the
 * same tree (spans aside): the property tests hold it to that. Parentheses are written
 * only where precedence needs them.
 */
export function printRules(file: RulesFile): string {
  return file.rules.map((rule) => printRule(rule, '')).join('\n')
}

const reservedWords = new Set(['and', 'or', 'not', 'has', 'for', 'when', 'else', 'on', 'device'])

export function printRule(rule: Rule, indent: string): string {
  switch (rule.kind) {
    case 'when': {
      let text = `${indent}when ${printExpr(rule.cond)}${printFor(rule.hold)} ${printBlock(rule.body, indent)}`
      if (rule.otherwise !== undefined) {
        const o = rule.otherwise
        const cond = o.cond === undefined ? '' : ` when ${printExpr(o.cond)}`
        text += ` else${cond}${printFor(o.hold)} ${printBlock(o.body, indent)}`
      }
      return `${text}\n`
    }
    case 'on':
      return `${indent}on ${rule.events.map((e) => (e.device === undefined ? e.name : `${printDevice(e.device)}:${e.name}`)).join(', ')} ${printBlock(rule.body, indent)}\n`
    case 'timer':
      return `${indent}on timer ${printWord(rule.name)} ${printBlock(rule.body, indent)}\n`
    case 'device':
      return `${indent}device ${printWord(rule.name)} {\n${rule.rules.map((r) => printRule(r, `${indent}  `)).join('')}${indent}}\n`
    default:
      return assertNever(rule, 'rule')
  }
}

function printFor(hold: Duration | undefined): string {
  return hold === undefined ? '' : ` for ${hold.text}`
}

function printBlock(actions: Action[], indent: string): string {
  if (actions.length === 0) return '{ }'
  const inner = `${indent}  `
  return `{\n${actions.map((a) => `${inner}${printAction(a, inner)}\n`).join('')}${indent}}`
}

export function printAction(action: Action, indent = ''): string {
  switch (action.kind) {
    case 'notify':
    case 'log':
      return `${action.kind} ${quote(action.text.value)}`
    case 'exec': {
      const timeout = action.timeout === undefined ? '' : ` timeout ${action.timeout.text}`
      return `exec [${action.argv.map((a) => quote(a.value)).join(', ')}]${timeout}`
    }
    case 'webhook':
      return `webhook ${quote(action.url.value)}`
    case 'instcmd':
      return ['instcmd', action.device, action.command, action.param]
        .map((w) => (w === undefined ? undefined : typeof w === 'string' ? w : printValueWord(w)))
        .filter((w) => w !== undefined)
        .join(' ')
    case 'set':
      return ['set', action.device, action.variable, action.value]
        .map((w) => (w === undefined ? undefined : typeof w === 'string' ? w : printValueWord(w)))
        .filter((w) => w !== undefined)
        .join(' ')
    case 'fsd':
      return action.device === undefined ? 'fsd' : `fsd ${printWord(action.device)}`
    case 'shutdown':
    case 'hibernate':
      return action.kind
    case 'start-timer':
      return `start timer ${printWord(action.name)} ${action.duration.text}`
    case 'cancel-timer':
      return `cancel timer ${printWord(action.name)}${action.otherwise === undefined ? '' : ` else ${printBlock(action.otherwise, indent)}`}`
    default:
      return assertNever(action, 'action')
  }
}

/** A device prefix prints bare when it is a plain word, else quoted: "rack-1":ups.load. */
function printDevice(name: string): string {
  return printWord({ text: name, quoted: false, span: { start: 0, end: 0 } })
}

/** A name prints bare when it lexes back as one name, else quoted. */
function printWord(word: Word): string {
  return !word.quoted &&
    /^[A-Za-z_][A-Za-z0-9_.]*(-[A-Za-z][A-Za-z0-9_.]*)*$/.test(word.text) &&
    !reservedWords.has(word.text)
    ? word.text
    : quote(word.text)
}

/** Action values keep bare numbers bare, so `instcmd x 30` stays a parameter. */
function printValueWord(word: Word): string {
  if (!word.quoted && /^-?\d+(\.\d+)?([smhd]\d*)*$/.test(word.text)) return word.text
  return printWord(word)
}

export function printExpr(expr: Expr, parent = 0): string {
  switch (expr.kind) {
    case 'number': {
      const text = `${String(expr.value)}${expr.percent === true ? '%' : ''}`
      return expr.value < 0 ? `(${text})` : text
    }
    case 'duration':
      return expr.text
    case 'string':
      return quote(expr.value)
    case 'var':
      return expr.device === undefined ? expr.name : `${printDevice(expr.device)}:${expr.name}`
    case 'flag':
      return expr.name
    case 'missing':
      return '0'
    case 'unary': {
      const p = expr.op === 'not' ? notPrecedence : unaryMinusPrecedence
      const text =
        expr.op === 'not'
          ? `not ${printExpr(expr.operand, p - 1)}`
          : `-${printExpr(expr.operand, p)}`
      return p <= parent ? `(${text})` : text
    }
    case 'binary': {
      const p = binaryPrecedence[expr.op]
      // Left-associative: the right side needs parentheses at equal precedence.
      // Comparisons do not chain, so a comparison on the left keeps its parentheses too.
      const left = printExpr(expr.left, p === comparisonPrecedence ? p : p - 1)
      // `30 % -5` would read back as 30% minus 5: a negated divisor keeps its parentheses.
      const right =
        expr.op === 'has'
          ? printExpr(expr.right, 0)
          : expr.op === '%' && expr.right.kind === 'unary' && expr.right.op === '-'
            ? `(${printExpr(expr.right, 0)})`
            : printExpr(expr.right, p)
      const text = `${left} ${expr.op} ${right}`
      return p <= parent ? `(${text})` : text
    }
    default:
      return assertNever(expr, 'expression')
  }
}

export function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`
}
