/**
 * The values NutClient returns, and the decoding of NUT's TYPE words and range bounds.
 */

export interface NamedValue {
  name: string
  value: string
}

export interface UpsEntry {
  name: string
  description: string
}

/** `GET TYPE`, decoded. `flags` holds the words as sent (`RW`, `ENUM`, `STRING:16`, …). */
export interface VariableType {
  flags: string[]
  rw: boolean
  enum: boolean
  range: boolean
  /** 'string' with `maxLength`, or 'number' (upsd's answer for everything not STRING). */
  kind: 'string' | 'number' | 'unknown'
  maxLength?: number
}

export interface Range {
  min: number
  max: number
}

export type TrackingStatus =
  | 'PENDING'
  | 'SUCCESS'
  | 'ERR UNKNOWN'
  | 'ERR INVALID-ARGUMENT'
  | 'ERR FAILED'

/** The result of SET VAR / INSTCMD: `trackingId` when tracking is on (`OK TRACKING <id>`). */
export interface Accepted {
  reply: string
  trackingId?: string
}

/** C's atoi, for RANGE bounds. */
export function atoi(text: string): number {
  const match = /^\s*([+-]?\d+)/.exec(text)
  if (match?.[1] === undefined) return 0
  const value = Number.parseInt(match[1], 10)
  return Number.isSafeInteger(value) ? value : 0
}

/** Decodes GET TYPE's flag words (order as upsd sends them, any order accepted). */
export function decodeType(flags: string[]): VariableType {
  const type: VariableType = { flags, rw: false, enum: false, range: false, kind: 'unknown' }
  for (const flag of flags) {
    const upper = flag.toUpperCase()
    if (upper === 'RW') type.rw = true
    else if (upper === 'ENUM') type.enum = true
    else if (upper === 'RANGE') type.range = true
    else if (upper === 'NUMBER') type.kind = 'number'
    else if (upper.startsWith('STRING:')) {
      type.kind = 'string'
      type.maxLength = atoi(flag.slice(7))
    }
  }
  return type
}
