/**
 * What a command prints when it stops on an error. A person at a terminal wants the cause
 * first, then what to do about it, without opening a manual:
 *
 *   nutshell serve: cannot listen on 127.0.0.1 port 3493: listen EADDRINUSE: ... [NS_LISTEN_FAILED]
 *     Cannot listen on an address or socket; stop the other server ... writable.
 *     (see docs/errors.md#ns_listen_failed)
 *
 * The code stays at the end of the first line, where scripts and searches find it. Anything
 * thrown that is not a NutshellError is a bug by definition: it is shown as NS_INTERNAL.
 */
import { describeError, type ErrorCode, errorCatalogue, isNutshellError } from '../core/errors.ts'

/** Where docs/errors.md explains `code` (the anchor of its `## NS_…` heading). */
export function errorDocLink(code: ErrorCode): string {
  return `docs/errors.md#${code.toLowerCase()}`
}

/** The lines for `error`, each ending in a newline; `who` is "nutshell" or "nutshell serve". */
export function formatFailure(who: string, error: unknown): string {
  const code: ErrorCode = isNutshellError(error) ? error.code : 'NS_INTERNAL'
  const advice = errorCatalogue[code]
  const message = describeError(error).trimEnd() || advice
  const [first = '', ...rest] = message.split('\n')
  const lines = [`${who}: ${first} [${code}]`, ...rest]
  if (message !== advice) lines.push(`  ${advice}`)
  lines.push(`  (see ${errorDocLink(code)})`)
  return `${lines.join('\n')}\n`
}

/** Prints `error` as formatFailure lays it out, on stderr. */
export function reportFailure(who: string, error: unknown): void {
  process.stderr.write(formatFailure(who, error))
}
