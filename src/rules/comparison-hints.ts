import { knownStatusFlags } from '../devices/status.ts'
import type { Expr, Span } from './ast.ts'
import { type Diagnostic, diagnostic } from './diagnostics.ts'
import { printExpr, quote } from './printer.ts'

/**
 * Two comparisons that are valid but rarely mean what they say, found by the checker:
 *
 * - `ups.status == OB`: the status holds several flags at once ("OB DISCHRG"), so equality
 *   on the whole text is almost never meant; `has` tests one flag. A bare flag word is read
 *   as a variable that no device has (an error); a quoted one compares exactly (a warning).
 * - `ups.model == "smart-ups 700"`: text comparisons are exact, and drivers differ in how
 *   they write models and makers (apcsmart "SMART-UPS 700", usbhid-ups "Smart-UPS 700").
 *   When a device's value is known, a literal that matches it only without regard to case
 *   can never match (a warning). Otherwise a literal with lower-case letters gets a note:
 *   it was probably typed by hand. One in capitals was most likely copied from upsc.
 */
const equalityOps = new Set(['==', '!=', '~='])

/** Variables holding model and maker names. */
export const nameVariables = new Set(['ups.model', 'ups.mfr', 'device.model', 'device.mfr'])

function isStatus(expr: Expr): expr is Extract<Expr, { kind: 'var' }> {
  return expr.kind === 'var' && expr.name.toLowerCase() === 'ups.status'
}

function isFlag(word: string): boolean {
  return (knownStatusFlags as readonly string[]).includes(word.toUpperCase())
}

/** The flags a status comparison names, or undefined when it is not about flags. */
function flagsOf(expr: Expr): { flags: string[]; bare: boolean } | undefined {
  if (expr.kind === 'var' && expr.device === undefined && isFlag(expr.name))
    return { flags: [expr.name.toUpperCase()], bare: true }
  if (expr.kind !== 'string') return undefined
  const words = expr.value.split(/\s+/).filter((w) => w.length > 0)
  return words.length > 0 && words.every(isFlag)
    ? { flags: words.map((w) => w.toUpperCase()), bare: false }
    : undefined
}

/**
 * `ups.status == OB` (either side, `==`, `!=` or `~=`): the diagnostic, and whether the
 * flag side is a bare word the checker must not read as a variable.
 */
export function statusEquality(
  op: string,
  left: Expr,
  right: Expr,
  span: Span,
): { diagnostic: Diagnostic; bareSide: Expr | undefined } | undefined {
  if (!equalityOps.has(op)) return undefined
  const status = isStatus(left) ? left : isStatus(right) ? right : undefined
  if (status === undefined) return undefined
  const other = status === left ? right : left
  const found = flagsOf(other)
  if (found === undefined) return undefined
  const tests = found.flags.map((f) => `${printExpr(status)} has ${f}`)
  const all = tests.join(' and ')
  const meant = op === '!=' ? (tests.length === 1 ? `not ${all}` : `not (${all})`) : all
  const advice = `${printExpr(status)} holds several flags at once ("OB DISCHRG LB"); 'has' tests one of them.`
  if (found.bare)
    return {
      diagnostic: diagnostic(
        'RULE2018',
        span,
        `'${op}' compares the whole status with a variable named '${printExpr(other)}'. Did you mean '${meant}'?`,
        { advice },
      ),
      bareSide: other,
    }
  return {
    diagnostic: diagnostic(
      'RULE2018',
      span,
      `This is true only when the status is exactly ${printExpr(other)}; it usually holds more flags. Did you mean '${meant}'?`,
      { advice, severity: 'warning' },
    ),
    bareSide: undefined,
  }
}

/** `ups.model == "smart-ups 700"`: see the file comment. */
export function nameCase(
  op: string,
  left: Expr,
  right: Expr,
  span: Span,
  values: ReadonlyMap<string, readonly string[]> | undefined,
): Diagnostic | undefined {
  if (op !== '==' && op !== '!=') return undefined
  const [variable, literal] =
    left.kind === 'var' && right.kind === 'string'
      ? [left, right]
      : right.kind === 'var' && left.kind === 'string'
        ? [right, left]
        : [undefined, undefined]
  if (variable === undefined || literal === undefined) return undefined
  const name = variable.name.toLowerCase()
  if (!nameVariables.has(name) || !/[A-Za-z]/.test(literal.value)) return undefined
  const ignoring = `${printExpr(variable)} ~= ${quote(literal.value)}`
  const meant = op === '!=' ? `not ${ignoring}` : ignoring
  const known = values?.get(name) ?? []
  if (known.includes(literal.value)) return undefined
  const reported = known.find((v) => v.toLowerCase() === literal.value.toLowerCase())
  if (reported !== undefined)
    return diagnostic(
      'RULE2019',
      span,
      `This can never be true: the device reports ${quote(reported)}, in other capitals. Did you mean '${meant}'?`,
      {
        advice: `Text comparisons are exact; ~= ignores case (or write ${quote(reported)}).`,
        severity: 'warning',
      },
    )
  if (!/[a-z]/.test(literal.value)) return undefined
  return diagnostic(
    'RULE2019',
    span,
    `Text comparisons are exact: this matches ${quote(literal.value)} only in these capitals. Did you mean '${meant}'?`,
    {
      advice:
        'Drivers write names differently (SMART-UPS 700, Smart-UPS 700); ~= compares without regard to case.',
      severity: 'note',
    },
  )
}
