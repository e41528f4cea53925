/**
 * NUT's ways of naming a server and a UPS on it, parsed as libupsclient parses them
 * (`upscli_splitname` / `upscli_splitaddr`), so that every string a NUT script passes to
 * `upsc` means the same to nutshell:
 *
 * - `ups[@host[:port]]`: the UPS name is the text before the first `@` (leading `@`s are
 *   skipped, as strtok does); without `@` the server is localhost:3493;
 * - `host[:port]`: the host is the text before the first `:`; `[literal]` brackets an IPv6
 *   address (`[::1]:3493`); anything after `]` that does not start with `:` is ignored;
 * - the port is read like C's strtol (leading blanks, optional sign, leading digits; the
 *   rest ignored) and must be 1..65535.
 *
 * Where NUT 2.8.0 crashes (`upsc -l :`, `upsc x@[]`), we return an error instead.
 * Pure: never throws.
 */

export const defaultNutPort = 3493
export const defaultNutHost = 'localhost'

export interface ServerAddress {
  host: string
  port: number
}

export interface UpsAddress extends ServerAddress {
  ups: string
}

/** `message` is the line libupsclient prints on stderr (absent where it prints nothing). */
export type AddressResult<T> = { ok: true; value: T } | { ok: false; message?: string }

const emptyAddress = "upscli_splitaddr: can't parse empty string"
const emptyName = "upscli_splitname: can't parse empty string"
const noPort = "upscli_splitaddr: no port specified after ':' separator"
const noBracket = 'upscli_splitaddr: missing closing bracket in [domain literal]'

/** The first token of `text` split on `delimiter`, skipping leading delimiters (strtok). */
function firstToken(text: string, delimiter: string): { token: string; rest: string } | undefined {
  let start = 0
  while (start < text.length && text[start] === delimiter) start++
  if (start >= text.length) return undefined
  const end = text.indexOf(delimiter, start)
  if (end < 0) return { token: text.slice(start), rest: '' }
  return { token: text.slice(start, end), rest: text.slice(end + 1) }
}

/** C's strtol on a decimal string, as far as NUT's port check needs it. */
export function cStrtol(text: string): number {
  const match = /^[\s]*([+-]?)(\d*)/.exec(text)
  const digits = match?.[2] ?? ''
  if (digits === '') return 0
  const value = Number.parseInt(digits.slice(0, 20), 10)
  return match?.[1] === '-' ? -value : value
}

function parsePort(text: string): AddressResult<number> {
  if (text === '') return { ok: false, message: noPort }
  const port = cStrtol(text)
  if (port < 1 || port > 65535) return { ok: false, message: noPort }
  return { ok: true, value: port }
}

/** `host[:port]` or `[v6-literal][:port]`. */
export function parseServerAddress(text: string): AddressResult<ServerAddress> {
  if (text === '') return { ok: false, message: emptyAddress }
  if (text.startsWith('[')) {
    if (!text.includes(']')) return { ok: false, message: noBracket }
    const split = firstToken(text.slice(1), ']')
    if (split === undefined) return { ok: false }
    const host = split.token
    if (!split.rest.startsWith(':')) return { ok: true, value: { host, port: defaultNutPort } }
    const port = parsePort(split.rest.slice(1))
    return port.ok ? { ok: true, value: { host, port: port.value } } : port
  }
  const colon = text.indexOf(':')
  const split = firstToken(text, ':')
  if (split === undefined) return { ok: false }
  if (colon < 0) return { ok: true, value: { host: split.token, port: defaultNutPort } }
  const port = parsePort(text.slice(colon + 1))
  return port.ok ? { ok: true, value: { host: split.token, port: port.value } } : port
}

/** `ups[@host[:port]]`. `undefined` (no argument at all) fails without a message, as NUT. */
export function parseUpsAddress(text: string | undefined): AddressResult<UpsAddress> {
  if (text === undefined) return { ok: false }
  if (text === '') return { ok: false, message: emptyName }
  const at = text.indexOf('@')
  const name = firstToken(text, '@')
  if (name === undefined) return { ok: false }
  if (at < 0) {
    return { ok: true, value: { ups: name.token, host: defaultNutHost, port: defaultNutPort } }
  }
  const server = parseServerAddress(text.slice(at + 1))
  if (!server.ok) return server
  return { ok: true, value: { ups: name.token, ...server.value } }
}

/** The inverse, for messages and logs: `ups@host:port`, IPv6 literals bracketed. */
export function formatUpsAddress(address: UpsAddress): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host
  return `${address.ups}@${host}:${address.port}`
}
