/**
 * The catalogue of nutshell's own errors. Every error the program raises for a person to
 * read carries a stable code from this table; the table's text is the advice, what to do,
 * printed under the message (src/cli/error-report.ts). docs/errors.md explains each code
 * with an example, and src/core/errors-doc.test.ts keeps the two in step and checks that
 * every code is raised somewhere in src/.
 * NUT's wire error words (ACCESS-DENIED, ...) are not here: see protocol/wire-errors.ts.
 */
export const errorCatalogue = {
  NS_CONFIG_READ:
    'A configuration file cannot be read; check its path and that this user may read it.',
  NS_CONFIG_SYNTAX:
    'A configuration file does not parse; fix the line shown (quotes, indentation, a stray character).',
  NS_CONFIG_INVALID:
    'A configuration setting is wrong or missing; the lines above say which and what would be valid (`nutshell config check` lists them all).',
  NS_LISTEN_FAILED:
    'Cannot listen on an address or socket; stop the other server on that port or change LISTEN (listen:), and check that STATEPATH is writable.',
  NS_TLS_CONFIG:
    'The TLS certificate or key cannot be loaded; CERTFILE must hold the PEM certificate and its key (or name a key file), readable by this user.',
  NS_DRIVER_FAILED:
    "A device driver failed; the device shows as lost until it recovers. Check the device's driver and port, and the driver's own output in the log.",
  NS_DEVICE_UNKNOWN:
    'No device by that name; check the spelling against ups.conf (devices:) or `nutshell upsc -l`.',
  NS_CLIENT_CONNECT:
    'Cannot connect to the NUT server; check the host and port and that the server runs there.',
  NS_CLIENT_PROTOCOL:
    "The server's reply does not follow the NUT protocol; check that the port is a NUT server's (3493 by default).",
  NS_CLIENT_TIMEOUT:
    'The server did not answer in time; check that it runs and is reachable, then try again.',
  NS_CLIENT_CLOSED:
    'The connection to the server closed; the server stopped or dropped the client (its log says why). Try again.',
  NS_CLIENT_TLS:
    'TLS with the NUT server failed; check that it offers STARTTLS and that its certificate is trusted (CERTPATH) and names the host.',
  NS_SERVER_ERROR:
    'The server refused the request; its NUT error word says why (ACCESS-DENIED: check the user in upsd.users; UNKNOWN-UPS: check the name).',
  NS_USAGE: 'The command line is not valid; see `nutshell help COMMAND`.',
  NS_NOT_RUNNING:
    'No running process to signal; start it first, or give its process id with -P PID.',
  NS_RULES_INVALID:
    'A rules file has errors; fix the lines shown (`nutshell rules check FILE` checks one file alone).',
  NS_CHILD_FAILED:
    'A command nutshell ran (NOTIFYCMD, SHUTDOWNCMD, a rule) failed or timed out; run it by hand as the same user to see why.',
  NS_INTERNAL:
    'A bug in nutshell; please report it with the command line and the log lines before it.',
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

export function isErrorCode(text: string): text is ErrorCode {
  return Object.hasOwn(errorCatalogue, text)
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

/**
 * A system error in a person's words: "address already in use (EADDRINUSE)" rather than
 * Node's "listen EADDRINUSE: address already in use 127.0.0.1:3493", whose call name and
 * repeated path or address the message around it already gives. Anything else is left as
 * describeError has it.
 */
export function describeSystemError(error: unknown): string {
  const message = describeError(error)
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return message
  const at = message.indexOf(`${code}: `)
  if (at < 0) return message
  const text = message
    .slice(at + code.length + 2)
    .replace(/, \w+ '.*'$/, '')
    .replace(/ \S+:\d+$/, '')
  return text === '' ? message : `${text} (${code})`
}
