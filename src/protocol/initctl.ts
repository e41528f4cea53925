/**
 * sysvinit's control request, `struct init_request` (reference: system-interfaces.md 4):
 * 384 bytes of C ints in host byte order. What nutshell's initctl power road writes into
 * `/run/initctl` (or `/dev/initctl`) to bring the machine down without calling a program.
 * Pure: values in, bytes out; decoding returns a typed error, never throws.
 */

export const initMagic = 0x03091969
export const initRequestSize = 384

export const initCommand = {
  start: 0,
  runlevel: 1,
  powerFail: 2,
  powerFailNow: 3,
  powerOk: 4,
  bsd: 5,
  setEnv: 6,
  unsetEnv: 7,
} as const

export type InitCommand = keyof typeof initCommand

export interface InitRequest {
  command: InitCommand
  /** One character: `0` halt/power off, `6` reboot, `1`/`S` single user (ASCII code on the wire). */
  runlevel: string
  /** Seconds between SIGTERM and SIGKILL when the level changes (sysvinit's default is 3). */
  sleepTime: number
  /** SETENV's `NAME=value` (NUL-terminated on the wire, at most 367 bytes). */
  data?: string
}

const dataOffset = 16
const dataSize = initRequestSize - dataOffset

/** The request that powers the machine off: runlevel 0. */
export function powerOffRequest(sleepTime = 5): InitRequest {
  return { command: 'runlevel', runlevel: '0', sleepTime }
}

export function encodeInitRequest(
  request: InitRequest,
  endianness: 'LE' | 'BE' = 'LE',
): { ok: true; bytes: Uint8Array } | { ok: false; reason: string } {
  if (request.runlevel.length !== 1 || request.runlevel.charCodeAt(0) > 0x7f)
    return { ok: false, reason: `runlevel '${request.runlevel}' must be one ASCII character` }
  if (!Number.isInteger(request.sleepTime) || request.sleepTime < 0 || request.sleepTime > 3600)
    return { ok: false, reason: `sleep time ${request.sleepTime} must be 0..3600 seconds` }
  const data = Buffer.from(request.data ?? '', 'utf8')
  if (data.length >= dataSize || data.includes(0))
    return { ok: false, reason: `data must be under ${dataSize} bytes without NUL` }
  const bytes = Buffer.alloc(initRequestSize)
  const write = (value: number, offset: number) =>
    endianness === 'LE' ? bytes.writeInt32LE(value, offset) : bytes.writeInt32BE(value, offset)
  write(initMagic, 0)
  write(initCommand[request.command], 4)
  write(request.runlevel.charCodeAt(0), 8)
  write(request.sleepTime, 12)
  bytes.set(data, dataOffset)
  return { ok: true, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) }
}

export type DecodedInitRequest =
  | { ok: true; request: InitRequest & { commandCode: number } }
  | { ok: false; reason: string }

/** Reads a request back (tests, and `nutshell helper --check` showing what would be sent). */
export function decodeInitRequest(
  input: Uint8Array,
  endianness: 'LE' | 'BE' = 'LE',
): DecodedInitRequest {
  if (input.length !== initRequestSize)
    return { ok: false, reason: `a request is ${initRequestSize} bytes, not ${input.length}` }
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.length)
  const read = (offset: number) =>
    endianness === 'LE' ? bytes.readInt32LE(offset) : bytes.readInt32BE(offset)
  if (read(0) !== initMagic) return { ok: false, reason: 'bad magic' }
  const code = read(4)
  const command = (Object.keys(initCommand) as InitCommand[]).find((k) => initCommand[k] === code)
  if (command === undefined) return { ok: false, reason: `unknown command ${code}` }
  const raw = bytes.subarray(dataOffset)
  const end = raw.indexOf(0)
  const data = raw.subarray(0, end < 0 ? raw.length : end).toString('utf8')
  return {
    ok: true,
    request: {
      command,
      commandCode: code,
      runlevel: String.fromCharCode(read(8)),
      sleepTime: read(12),
      ...(data === '' ? {} : { data }),
    },
  }
}
