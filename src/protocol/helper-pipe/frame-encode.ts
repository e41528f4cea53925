/**
 * Encodes one request for the helper's pipe: `STX type (0x20 + length) name ETX`
 * (docs/privilege.md). Pure; returns a typed error instead of throwing.
 */
import {
  type FrameRequest,
  frameStart,
  frameStop,
  isNameByte,
  lengthOffset,
  maxNameLength,
  typeByteOf,
} from './frame-types.ts'

export type EncodeResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: string }

export function encodeFrame(request: FrameRequest): EncodeResult {
  const type = typeByteOf(request)
  if (type === undefined) {
    return { ok: false, reason: `'${describe(request)}' is not a request the helper knows` }
  }
  const name = request.name
  if (name.length > maxNameLength) {
    return { ok: false, reason: `the name is ${name.length} bytes; at most ${maxNameLength}` }
  }
  const bytes = new Uint8Array(name.length + 4)
  bytes[0] = frameStart
  bytes[1] = type
  bytes[2] = lengthOffset + name.length
  for (let i = 0; i < name.length; i++) {
    const byte = name.charCodeAt(i)
    if (!isNameByte(byte)) {
      return { ok: false, reason: `the name holds '${name[i]}', which a UPS name cannot` }
    }
    bytes[3 + i] = byte
  }
  bytes[3 + name.length] = frameStop
  return { ok: true, bytes }
}

function describe(request: FrameRequest): string {
  return request.kind === 'power' ? request.request : `notify ${request.notifyType}`
}
