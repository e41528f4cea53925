import type { BinaryOp } from './ast.ts'

/**
 * Operator precedence, shared by the parser (Pratt climbing) and the printer (which adds
 * parentheses only where precedence needs them). Higher binds tighter.
 */
export const binaryPrecedence: Record<BinaryOp, number> = {
  or: 1,
  and: 2,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '==': 4,
  '!=': 4,
  '~=': 4,
  has: 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
}
export const notPrecedence = 3
export const comparisonPrecedence = 4
export const unaryMinusPrecedence = 7
