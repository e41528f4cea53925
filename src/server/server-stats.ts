/**
 * What the NUT server counts for the metrics: plain integers bumped on the request path
 * (no allocation, no callback per request) and read when something asks, e.g. a scrape.
 */
export interface ServerStats {
  /** Connections accepted since start. */
  connections: number
  /** Request lines answered (a cached reply included). */
  requests: number
  /** Replies starting with `ERR ` (upsd's error replies). */
  errors: number
}

export function newServerStats(): ServerStats {
  return { connections: 0, requests: 0, errors: 0 }
}

/** True for an `ERR ...` reply; the first-character test keeps the common case to one compare. */
export function isErrorReply(text: string): boolean {
  return text.charCodeAt(0) === 69 && text.startsWith('ERR ')
}
