/**
 * NUT's UPS "system" string: `ups[@host[:port]]`, as MONITOR lines, upsc and upssched's
 * UPSNAME spell it. An IPv6 host is written in brackets: `ups@[::1]:3493`.
 */
export interface UpsSystemName {
  ups: string
  /** `localhost` when the string names no host, as NUT assumes. */
  host: string
  /** 3493 when the string names no port. */
  port: number
  /** Whether the string named a host / a port. */
  explicitHost: boolean
  explicitPort: boolean
}

export const defaultNutPort = 3493

export type SystemNameResult = { ok: true; value: UpsSystemName } | { ok: false; reason: string }

export function parseSystemName(text: string): SystemNameResult {
  const at = text.indexOf('@')
  const ups = at < 0 ? text : text.slice(0, at)
  if (ups === '') return { ok: false, reason: 'the UPS name before @ is empty' }
  if (at < 0) {
    return {
      ok: true,
      value: {
        ups,
        host: 'localhost',
        port: defaultNutPort,
        explicitHost: false,
        explicitPort: false,
      },
    }
  }
  const rest = text.slice(at + 1)
  let host: string
  let portText: string | undefined
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']')
    if (close < 0) return { ok: false, reason: 'an IPv6 address in [ ] is not closed' }
    host = rest.slice(1, close)
    const after = rest.slice(close + 1)
    if (after !== '') {
      if (!after.startsWith(':')) return { ok: false, reason: `unexpected '${after}' after ]` }
      portText = after.slice(1)
    }
  } else {
    const colons = rest.split(':').length - 1
    if (colons === 1) {
      const colon = rest.indexOf(':')
      host = rest.slice(0, colon)
      portText = rest.slice(colon + 1)
    } else {
      // A bare IPv6 address has several colons and no port.
      host = rest
    }
  }
  if (host === '') return { ok: false, reason: 'the host after @ is empty' }
  let port = defaultNutPort
  if (portText !== undefined) {
    if (!/^\d+$/.test(portText)) return { ok: false, reason: `port '${portText}' is not a number` }
    port = Number.parseInt(portText, 10)
    if (port < 1 || port > 65535)
      return { ok: false, reason: `port ${port} is out of range 1-65535` }
  }
  return {
    ok: true,
    value: { ups, host, port, explicitHost: true, explicitPort: portText !== undefined },
  }
}
