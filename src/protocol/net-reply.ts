/**
 * The NUT network reply formatter: the exact lines upsd 2.8.0 sends. Names the client
 * gave are echoed as the client spelled them (upsd prints its arguments back verbatim);
 * values are always quoted and escaped as NUT's pconf_encode does.
 *
 * Pure: strings in, strings out. Every reply ends with LF; a LIST is one string so that
 * the server can send it in a single write.
 */
import { quote } from './encode.ts'
import type { WireError } from './wire-errors.ts'

export function errorReply(word: WireError): string {
  return `ERR ${word}\n`
}

export function lineReply(text: string): string {
  return `${text}\n`
}

export const okReply = 'OK\n'

/** `VAR <ups> <var> "<value>"` (also the item line of LIST VAR). */
export function varLine(ups: string, name: string, value: string): string {
  return `VAR ${ups} ${name} ${quote(value)}\n`
}

/**
 * A whole LIST reply: `BEGIN LIST <query>`, the items, `END LIST <query>`. `query` is the
 * words after LIST as the client sent them (`VAR dummy`, `ENUM dummy input.transfer.low`).
 */
export function listReply(query: string, items: readonly string[]): string {
  return `BEGIN LIST ${query}\n${items.join('')}END LIST ${query}\n`
}
