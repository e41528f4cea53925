/**
 * The fixed table of requests the privileged helper accepts on its pipe (docs/privilege.md).
 * The wire codes are part of the format: they never change meaning, new kinds get new
 * codes. Nothing outside this table is ever carried out.
 */
import { notifyTypes } from '../nut-config/notify-types.ts'

/** The power requests: each is carried out with the helper's own configuration. */
export const powerRequestCodes = {
  'powerdown-flag': 0x46, // F
  shutdown: 0x53, // S
  hibernate: 0x48, // H
  suspend: 0x5a, // Z
} as const

export type PowerRequest = keyof typeof powerRequestCodes

/**
 * Notify requests take codes from 0x60 on, one per NUT notify type, in the order of
 * `notifyTypes` (NUT 2.8.0's types first, then NUT master's). Appending to that list adds
 * codes; reordering it would change the wire format, which a test forbids.
 */
export const notifyCodeBase = 0x60

export type FrameRequest =
  | { kind: 'power'; request: PowerRequest; name: string }
  | { kind: 'notify'; notifyType: string; name: string }

/**
 * Framing bytes: ASCII STX and ETX. They are reserved: no type code, length byte or name
 * byte can take either value, so an STX anywhere starts a frame afresh and a valid frame
 * right after any garbage is always read.
 */
export const frameStart = 0x02
export const frameStop = 0x03

/**
 * Longest name a frame carries: a UPS "system" string as NUT writes it (`ups@host:port`,
 * `ups@[::1]:3493`). The helper only accepts names from its own configuration, so the
 * bound only has to hold every real one.
 */
export const maxNameLength = 200

/** The length byte is `lengthOffset + n`, so it never takes a control byte's value. */
export const lengthOffset = 0x20

const powerByCode = new Map<number, PowerRequest>(
  Object.entries(powerRequestCodes).map(([name, code]) => [code, name as PowerRequest]),
)

/** What a type byte means, or undefined when it is not in the table. */
export function describeTypeByte(
  byte: number,
): { kind: 'power'; request: PowerRequest } | { kind: 'notify'; notifyType: string } | undefined {
  const power = powerByCode.get(byte)
  if (power !== undefined) return { kind: 'power', request: power }
  const notifyType = notifyTypes[byte - notifyCodeBase]
  return byte >= notifyCodeBase && notifyType !== undefined
    ? { kind: 'notify', notifyType }
    : undefined
}

/** The type byte of a request, or undefined for a notify type NUT does not have. */
export function typeByteOf(request: FrameRequest): number | undefined {
  if (request.kind === 'power') return powerRequestCodes[request.request]
  const index = notifyTypes.indexOf(request.notifyType)
  return index < 0 ? undefined : notifyCodeBase + index
}

/**
 * The name alphabet: what NUT's UPS names and `ups@host:port` system strings are made of
 * (letters, digits, `.`, `_`, `-`; `@`, `:`, `[`, `]` for the host part). Any other byte —
 * control bytes, spaces, quotes, shell metacharacters, non-ASCII — is refused, so a name
 * can be put into NOTIFYCMD's environment and a log line as it is.
 */
export function isNameByte(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x2d || // -
    byte === 0x40 || // @
    byte === 0x3a || // :
    byte === 0x5b || // [
    byte === 0x5d //    ]
  )
}
