/**
 * The catalogue of nutshell's own errors. Every error the program raises for a person to
 * read carries a stable code from this table and a message that says what to do.
 * NUT's wire error words (ACCESS-DENIED, ...) are not here: see protocol/wire-errors.ts.
 */
export const errorCatalogue = {
  NS_CONFIG_READ: 'Cannot read the configuration file; check the path and its permissions.',
  NS_CONFIG_SYNTAX: 'The configuration file has a syntax error; fix the line shown.',
  NS_CONFIG_INVALID: 'A configuration setting is invalid; the message lists what would be valid.',
  NS_LISTEN_FAILED: 'Cannot listen on the address; is another server using the port?',
  NS_TLS_CONFIG:
    'The TLS certificate or key cannot be loaded; CERTFILE must hold PEM cert and key.',
  NS_DRIVER_FAILED: 'A device driver failed; the device is marked stale until it recovers.',
  NS_DEVICE_UNKNOWN: 'No device by that name; list devices with `nutshell upsc -l`.',
  NS_CLIENT_CONNECT: 'Cannot connect to the NUT server; check host, port and that it runs.',
  NS_CLIENT_PROTOCOL: 'The server sent a reply that does not follow the NUT protocol.',
  NS_CLIENT_TIMEOUT: 'The server did not answer in time.',
  NS_CLIENT_CLOSED: 'The connection to the server closed.',
  NS_CLIENT_TLS:
    'TLS with the NUT server failed; check that it offers STARTTLS and that its certificate is trusted.',
  NS_SERVER_ERROR: 'The server answered with an error.',
  NS_USAGE: 'The command line is not valid; see `nutshell help`.',
  NS_RULES_INVALID: 'The rules file has errors; run `nutshell rules check FILE`.',
  NS_CHILD_FAILED: 'A child command failed or timed out.',
  NS_INTERNAL: 'An internal error; please report it with the log.',
} as const

export type ErrorCode = keyof typeof errorCatalogue

/** Base of every error nutshell throws on purpose. */
export class NutshellError extends Error {
  readonly code: ErrorCode
  readonly advice: string

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? errorCatalogue[code], options)
    this.name = 'NutshellError'
    this.code = code
    this.advice = errorCatalogue[code]
  }
}

export function isNutshellError(value: unknown): value is NutshellError {
  return value instanceof NutshellError
}

/** Ends an exhaustive switch: the compiler proves this is unreachable. */
export function assertNever(value: never, what = 'value'): never {
  throw new NutshellError('NS_INTERNAL', `unexpected ${what}: ${JSON.stringify(value)}`)
}

/** Turns anything caught into a short message for a log line. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
