/**
 * "Cannot happen" in protocol code. src/protocol/ imports nothing from src/core/, so it has
 * its own small helper; the error carries the code the catalogue (src/core/errors.ts)
 * gives internal errors, so a log line or the CLI shows it the same way.
 */
export class ProtocolInternalError extends Error {
  readonly code = 'NS_INTERNAL'

  constructor(message: string) {
    super(message)
    this.name = 'ProtocolInternalError'
  }
}

/** Ends an exhaustive switch: the compiler proves this is unreachable. */
export function unreachable(value: never, what: string): never {
  throw new ProtocolInternalError(`unexpected ${what}: ${JSON.stringify(value)}`)
}
