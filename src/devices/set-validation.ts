import type { Device } from './device.ts'

/** Why a SET is refused before it reaches the driver; the words are NUT's wire errors. */
export type SetRefusal =
  | 'VAR-NOT-SUPPORTED'
  | 'READONLY'
  | 'SET-FAILED'
  | 'TOO-LONG'
  | 'INVALID-VALUE'

/**
 * upsd's checks for `SET VAR`, in upsd's order: the variable exists, is writable, fits its
 * STRING length (in bytes, as C's strlen counts), is one of its enumerated values (exact
 * match) and falls in one of its ranges (read as C's atoi reads it: `250abc` is 250).
 * NUMBER values are not otherwise validated, as in upsd.
 */
export function validateSet(device: Device, name: string, value: string): SetRefusal | undefined {
  const variable = device.getVariable(name)
  if (variable === undefined) return 'VAR-NOT-SUPPORTED'
  if (!variable.writable) return 'READONLY'
  if (variable.kind === 'string') {
    if (variable.maxLength < 1) return 'SET-FAILED'
    if (Buffer.byteLength(value, 'utf8') > variable.maxLength) return 'TOO-LONG'
  }
  if (variable.enums.length > 0 && !variable.enums.includes(value)) return 'INVALID-VALUE'
  if (variable.ranges.length > 0) {
    const number = cAtoi(value)
    if (!variable.ranges.some((r) => number >= r.min && number <= r.max)) return 'INVALID-VALUE'
  }
  return undefined
}

/** C's atoi: optional leading space and sign, then digits; anything else reads as 0. */
export function cAtoi(text: string): number {
  const match = /^[\s]*([+-]?\d+)/.exec(text)
  if (match?.[1] === undefined) return 0
  const value = Number.parseInt(match[1], 10)
  return Math.max(-2147483648, Math.min(2147483647, value))
}
