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

/** The messages libupsclient (and so upsc, upsrw, upscmd) prints for each error. */
export const wireErrorMessages: Record<WireError, string> = {
  'ACCESS-DENIED': 'Access denied',
  'UNKNOWN-UPS': 'Unknown UPS',
  'VAR-NOT-SUPPORTED': 'Variable not supported by UPS',
  'CMD-NOT-SUPPORTED': 'Instant command not supported by UPS',
  'INVALID-ARGUMENT': 'Invalid argument',
  'INSTCMD-FAILED': 'Instant command failed',
  'SET-FAILED': 'Set command failed',
  READONLY: 'Variable is read-only',
  'TOO-LONG': 'Value is too long',
  'FEATURE-NOT-SUPPORTED': 'Server does not support SSL mode',
  'FEATURE-NOT-CONFIGURED': 'Server has not been configured for SSL mode',
  'ALREADY-SSL-MODE': 'Already in SSL mode',
  'DRIVER-NOT-CONNECTED': 'Driver not connected',
  'DATA-STALE': 'Data stale',
  'ALREADY-LOGGED-IN': 'Already logged in',
  'INVALID-PASSWORD': 'Invalid password',
  'ALREADY-SET-PASSWORD': 'Already set password',
  'INVALID-USERNAME': 'Invalid username',
  'ALREADY-SET-USERNAME': 'Already set username',
  'USERNAME-REQUIRED': 'Username required',
  'PASSWORD-REQUIRED': 'Password required',
  'UNKNOWN-COMMAND': 'Unknown command',
  'INVALID-VALUE': 'Invalid value',
}
