/**
 * NUT's wire error words, the closed set upsd sends after `ERR ` (reference:
 * nut-protocol.md 1.7). Spelled exactly as NUT spells them.
 */
export const wireErrors = [
  'ACCESS-DENIED',
  'UNKNOWN-UPS',
  'VAR-NOT-SUPPORTED',
  'CMD-NOT-SUPPORTED',
  'INVALID-ARGUMENT',
  'INSTCMD-FAILED',
  'SET-FAILED',
  'READONLY',
  'TOO-LONG',
  'FEATURE-NOT-SUPPORTED',
  'FEATURE-NOT-CONFIGURED',
  'ALREADY-SSL-MODE',
  'DRIVER-NOT-CONNECTED',
  'DATA-STALE',
  'ALREADY-LOGGED-IN',
  'INVALID-PASSWORD',
  'ALREADY-SET-PASSWORD',
  'INVALID-USERNAME',
  'ALREADY-SET-USERNAME',
  'USERNAME-REQUIRED',
  'PASSWORD-REQUIRED',
  'UNKNOWN-COMMAND',
  'INVALID-VALUE',
] as const

export type WireError = (typeof wireErrors)[number]

const known = new Set<string>(wireErrors)

export function isWireError(word: string): word is WireError {
  return known.has(word)
}
