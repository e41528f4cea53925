/**
 * The client's errors. Two kinds reach a caller:
 *
 * - `NutServerError`: upsd answered `ERR <WORD> …`. `word` is the wire word exactly as sent
 *   (`ACCESS-DENIED`, also legacy or unknown words), `line` the whole reply line.
 * - `NutClientError`: the conversation itself failed; `code` is one of NS_CLIENT_CONNECT,
 *   NS_CLIENT_PROTOCOL, NS_CLIENT_TIMEOUT, NS_CLIENT_CLOSED, NS_CLIENT_TLS. For connection
 *   failures `systemCode` holds the system's error name (`ECONNREFUSED`, `ENOTFOUND`).
 *
 * `libupsclientMessage` gives the text NUT's tools print for either kind ("Unknown UPS",
 * "Connection failure: Connection refused"), so nutshell's tools can print the same.
 */
import { type ErrorCode, NutshellError } from '../core/errors.ts'
import { isWireError, type WireError } from '../protocol/wire-errors.ts'

export type ClientErrorCode = Extract<
  ErrorCode,
  | 'NS_CLIENT_CONNECT'
  | 'NS_CLIENT_PROTOCOL'
  | 'NS_CLIENT_TIMEOUT'
  | 'NS_CLIENT_CLOSED'
  | 'NS_CLIENT_TLS'
>

export class NutServerError extends NutshellError {
  /** The word after `ERR`, exactly as the server sent it. */
  readonly word: string
  /** The whole reply line (`ERR ACCESS-DENIED`). */
  readonly line: string
  /** The request that got this answer, for messages. */
  readonly request: string

  constructor(word: string, line: string, request: string) {
    super('NS_SERVER_ERROR', `${request.split(' ').slice(0, 2).join(' ')}: ${line}`)
    this.name = 'NutServerError'
    this.word = word
    this.line = line
    this.request = request
  }

  /** The word as a known NUT error, if it is one. */
  get wireError(): WireError | undefined {
    return isWireError(this.word) ? this.word : undefined
  }
}

export class NutClientError extends NutshellError {
  /** `ECONNREFUSED`, `ENOTFOUND`, …: the system error behind a connection failure. */
  readonly systemCode: string | undefined

  constructor(
    code: ClientErrorCode,
    message: string,
    options: { cause?: unknown; systemCode?: string } = {},
  ) {
    super(code, message, { cause: options.cause })
    this.name = 'NutClientError'
    this.systemCode = options.systemCode
  }
}

export function isNutServerError(value: unknown): value is NutServerError {
  return value instanceof NutServerError
}

export function isNutClientError(value: unknown): value is NutClientError {
  return value instanceof NutClientError
}

/**
 * libupsclient's table from server error words to text (NUT 2.8.0). It matches the start
 * of the word, knows some legacy words, and says "Unknown error" for the rest (including
 * INVALID-ARGUMENT and the FEATURE-* words).
 */
const serverErrorTexts: ReadonlyArray<readonly [string, string]> = [
  ['VAR-NOT-SUPPORTED', 'Variable not supported by UPS'],
  ['UNKNOWN-UPS', 'Unknown UPS'],
  ['ACCESS-DENIED', 'Access denied'],
  ['PASSWORD-REQUIRED', 'Password required'],
  ['PASSWORD-INCORRECT', 'Password incorrect'],
  ['MISSING-ARGUMENT', 'Missing argument'],
  ['DATA-STALE', 'Data stale'],
  ['VAR-UNKNOWN', 'Variable unknown'],
  ['ALREADY-LOGGED-IN', 'Already logged in'],
  ['ALREADY-SET-PASSWORD', 'Already set password'],
  ['UNKNOWN-TYPE', 'Unknown variable type'],
  ['UNKNOWN-VAR', 'Unknown variable'],
  ['READONLY', 'Read-only variable'],
  ['TOO-LONG', 'New value is too long'],
  ['INVALID-VALUE', 'Invalid value for variable'],
  ['SET-FAILED', 'Set command failed'],
  ['UNKNOWN-INSTCMD', 'Unknown instant command'],
  ['INSTCMD-FAILED', 'Instant command failed'],
  ['CMD-NOT-SUPPORTED', 'Instant command not supported'],
  ['INVALID-USERNAME', 'Invalid username'],
  ['ALREADY-SET-USERNAME', 'Already set username'],
  ['UNKNOWN-COMMAND', 'Unknown command'],
  ['INVALID-PASSWORD', 'Invalid password'],
  ['USERNAME-REQUIRED', 'Username required'],
  ['DRIVER-NOT-CONNECTED', 'Driver not connected'],
]

/** The text libupsclient gives a server error line (`ERR <WORD>…`). */
export function serverErrorText(line: string): string {
  const rest = line.slice(4)
  for (const [word, text] of serverErrorTexts) if (rest.startsWith(word)) return text
  return 'Unknown error'
}

/** strerror() texts for the system errors a connection can meet. */
const systemErrorTexts: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EPIPE: 'Broken pipe',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EINVAL: 'Invalid argument',
}

/** Name-resolution failures, which libupsclient reports as "No such host". */
const resolveCodes = new Set(['ENOTFOUND', 'EAI_NONAME', 'EAI_AGAIN', 'EAI_FAIL', 'ENODATA'])

/**
 * The message NUT's tools print after `Error: ` for any error the client throws:
 * "Unknown UPS", "Connection failure: Connection refused", "No such host",
 * "Server disconnected", "Protocol error".
 */
export function libupsclientMessage(error: unknown): string {
  if (error instanceof NutServerError) return serverErrorText(error.line)
  if (error instanceof NutClientError) {
    switch (error.code) {
      case 'NS_CLIENT_CONNECT': {
        const code = error.systemCode ?? ''
        if (resolveCodes.has(code)) return 'No such host'
        return `Connection failure: ${systemErrorTexts[code] ?? code}`
      }
      case 'NS_CLIENT_TIMEOUT':
      case 'NS_CLIENT_CLOSED':
        return 'Server disconnected'
      case 'NS_CLIENT_PROTOCOL':
        return 'Protocol error'
      case 'NS_CLIENT_TLS':
        return `SSL error: ${error.message}`
      default:
        return error.message
    }
  }
  return error instanceof Error ? error.message : String(error)
}
