import type { Device } from '../devices/device.ts'
import type { DeviceStore } from '../devices/device-store.ts'
import { withFsdPrefix } from '../devices/status.ts'
import type { Expr } from './ast.ts'

/**
 * Expressions compiled to closures once, so that evaluating a rule on a change costs a few
 * function calls. Values: number, string, boolean, or `undefined` for "unknown" (a missing
 * variable, a non-number where a number is needed). Logic is three-valued (Kleene):
 * `unknown and false` is false, `unknown or true` is true, `not unknown` is unknown, and a
 * rule's condition holds only when it is `true`. So a missing variable makes a comparison
 * false and can never make a rule fire, not even under `not`.
 */
export type Value = number | string | boolean | undefined

export interface EvalContext {
  /** The device of the rule instance (undefined for a rule over named devices only). */
  device: Device | undefined
  store: DeviceStore
}

export type Compiled = (ctx: EvalContext) => Value

/** The value of a variable as a rule sees it: `comm`, and ups.status with the FSD latch. */
export function readVariable(device: Device | undefined, name: string): string | undefined {
  if (device === undefined) return undefined
  if (name === 'comm') return device.commState
  const value = device.getValue(name)
  if (name === 'ups.status' && device.fsdLatched) return withFsdPrefix(value ?? '')
  return value
}

export function compileExpr(expr: Expr): Compiled {
  switch (expr.kind) {
    case 'number':
    case 'duration': {
      const v = expr.kind === 'number' ? expr.value : expr.seconds
      return () => v
    }
    case 'string':
    case 'flag': {
      const v = expr.kind === 'string' ? expr.value : expr.name
      return () => v
    }
    case 'missing':
      return () => undefined
    case 'var': {
      const name = expr.name.toLowerCase()
      if (expr.device === undefined) return (ctx) => readVariable(ctx.device, name)
      const deviceName = expr.device
      return (ctx) => readVariable(ctx.store.get(deviceName), name)
    }
    case 'unary': {
      const operand = compileExpr(expr.operand)
      if (expr.op === 'not')
        return (ctx) => {
          const v = operand(ctx)
          return typeof v === 'boolean' ? !v : undefined
        }
      return (ctx) => {
        const n = toNumber(operand(ctx))
        return n === undefined ? undefined : -n
      }
    }
    case 'binary': {
      // `and` / `or` are symmetric in three-valued logic, so the cheaper side (a flag test
      // such as `ups.status has OB`) runs first and often decides alone.
      const swap =
        (expr.op === 'and' || expr.op === 'or') && isFlagTest(expr.right) && !isFlagTest(expr.left)
      const left = compileExpr(swap ? expr.right : expr.left)
      const right = compileExpr(swap ? expr.left : expr.right)
      switch (expr.op) {
        case 'and':
          return (ctx) => {
            const l = left(ctx)
            if (l === false) return false
            const r = right(ctx)
            if (r === false) return false
            return l === true && r === true ? true : undefined
          }
        case 'or':
          return (ctx) => {
            const l = left(ctx)
            if (l === true) return true
            const r = right(ctx)
            if (r === true) return true
            return l === false && r === false ? false : undefined
          }
        case 'has':
          return (ctx) => {
            const l = left(ctx)
            const r = right(ctx)
            if (typeof l !== 'string' || typeof r !== 'string') return undefined
            return hasWord(l, r)
          }
        case '==':
          return (ctx) => equals(left(ctx), right(ctx))
        case '!=':
          return (ctx) => {
            const e = equals(left(ctx), right(ctx))
            return e === undefined ? undefined : !e
          }
        case '~=':
          return equalsIgnoringCase(
            left,
            right,
            expr.right.kind === 'string' ? expr.right.value.toLowerCase() : undefined,
          )
        case '<':
          return ordered(left, right, (a, b) => a < b)
        case '<=':
          return ordered(left, right, (a, b) => a <= b)
        case '>':
          return ordered(left, right, (a, b) => a > b)
        case '>=':
          return ordered(left, right, (a, b) => a >= b)
        case '+':
          return arithmetic(left, right, (a, b) => a + b)
        case '-':
          return arithmetic(left, right, (a, b) => a - b)
        case '*':
          return arithmetic(left, right, (a, b) => a * b)
        case '/':
          return arithmetic(left, right, (a, b) => (b === 0 ? undefined : a / b))
        case '%':
          return arithmetic(left, right, (a, b) => (b === 0 ? undefined : a % b))
      }
    }
  }
}

function isFlagTest(expr: Expr): boolean {
  return expr.kind === 'binary' && expr.op === 'has'
}

/** NUT numbers: `.` decimal, optional sign; anything else (empty, text) is not a number. */
export function toNumber(v: Value): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined
  if (typeof v !== 'string' || v.length === 0) return undefined
  const n = Number(v)
  return Number.isFinite(n) && isPlainNumber(v) ? n : undefined
}

/** Digits with an optional sign and one `.`, blanks around: no hex, exponent or Infinity. */
function isPlainNumber(text: string): boolean {
  let i = 0
  let end = text.length
  while (i < end && isBlank(text.charCodeAt(i))) i++
  while (end > i && isBlank(text.charCodeAt(end - 1))) end--
  if (i < end && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) i++
  let digits = 0
  let dots = 0
  for (; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) digits++
    else if (c === 46 && dots === 0) dots++
    else return false
  }
  return digits > 0
}

function hasWord(text: string, word: string): boolean {
  // Fast path without allocation: status values are upper case, as are the flags.
  let from = 0
  for (;;) {
    const at = text.indexOf(word, from)
    if (at < 0) break
    const before = at === 0 ? 32 : text.charCodeAt(at - 1)
    const after = at + word.length >= text.length ? 32 : text.charCodeAt(at + word.length)
    if (isBlank(before) && isBlank(after)) return true
    from = at + 1
  }
  if (!hasLowerCase(text) && !hasLowerCase(word)) return false
  const wanted = word.toUpperCase()
  for (const token of text.split(/\s+/)) if (token.toUpperCase() === wanted) return true
  return false
}

// Hundreds of rules test the same status value in a row: remember the last answer.
let lastText = ''
let lastTextHasLower = false
function hasLowerCase(text: string): boolean {
  if (text !== lastText) {
    lastText = text
    lastTextHasLower = /[a-z]/.test(text)
  }
  return lastTextHasLower
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13
}

function equals(l: Value, r: Value): boolean | undefined {
  if (l === undefined || r === undefined) return undefined
  if (typeof l === 'number' || typeof r === 'number') {
    const a = toNumber(l)
    const b = toNumber(r)
    return a === undefined || b === undefined ? undefined : a === b
  }
  if (typeof l === 'boolean' || typeof r === 'boolean') return l === r
  return l === r
}

/** `~=`: text equal without regard to case; a literal side is folded once, here. */
function equalsIgnoringCase(left: Compiled, right: Compiled, literal?: string): Compiled {
  const fold = (v: Value) =>
    typeof v === 'string' || typeof v === 'number' ? String(v).toLowerCase() : undefined
  if (literal !== undefined)
    return (ctx) => {
      const a = fold(left(ctx))
      return a === undefined ? undefined : a === literal
    }
  return (ctx) => {
    const a = fold(left(ctx))
    if (a === undefined) return undefined
    const b = fold(right(ctx))
    return b === undefined ? undefined : a === b
  }
}

function ordered(
  left: Compiled,
  right: Compiled,
  test: (a: number, b: number) => boolean,
): Compiled {
  return (ctx) => {
    const a = toNumber(left(ctx))
    if (a === undefined) return undefined
    const b = toNumber(right(ctx))
    return b === undefined ? undefined : test(a, b)
  }
}

function arithmetic(
  left: Compiled,
  right: Compiled,
  op: (a: number, b: number) => number | undefined,
): Compiled {
  return (ctx) => {
    const a = toNumber(left(ctx))
    const b = toNumber(right(ctx))
    return a === undefined || b === undefined ? undefined : op(a, b)
  }
}

/** Variables an expression reads: unqualified names and `device:name` pairs (lower case). */
export function collectReads(
  expr: Expr,
  into: { local: Set<string>; qualified: Set<string>; devices: string[] },
): void {
  switch (expr.kind) {
    case 'var':
      if (expr.device === undefined) into.local.add(expr.name.toLowerCase())
      else {
        into.qualified.add(`${expr.device.toLowerCase()}:${expr.name.toLowerCase()}`)
        if (!into.devices.includes(expr.device)) into.devices.push(expr.device)
      }
      return
    case 'unary':
      collectReads(expr.operand, into)
      return
    case 'binary':
      collectReads(expr.left, into)
      collectReads(expr.right, into)
      return
    default:
      return
  }
}
