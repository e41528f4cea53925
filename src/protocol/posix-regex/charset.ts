/**
 * Byte sets for the matcher. A set has 257 slots: the 256 byte values, and slot 256 for a
 * subject code unit above 0xFF (subjects are meant to be latin1-decoded bytes; anything
 * else can only be matched by `.` or a negated bracket, never by a named class).
 * Classes are those of glibc's "C" locale, which is what powermand runs in (it never calls
 * setlocale): ASCII only.
 */

export const SET_SIZE = 257
export const OTHER = 256

export type ByteSet = Uint8Array

export function emptySet(): ByteSet {
  return new Uint8Array(SET_SIZE)
}

export function singleton(byte: number): ByteSet {
  const set = emptySet()
  set[byte] = 1
  return set
}

export function negate(set: ByteSet): void {
  for (let i = 0; i < SET_SIZE; i++) set[i] = set[i] === 1 ? 0 : 1
}

function addRange(set: ByteSet, from: number, to: number): void {
  for (let c = from; c <= to; c++) set[c] = 1
}

const classBuilders: Record<string, (set: ByteSet) => void> = {
  alpha: (s) => {
    addRange(s, 0x41, 0x5a)
    addRange(s, 0x61, 0x7a)
  },
  digit: (s) => addRange(s, 0x30, 0x39),
  alnum: (s) => {
    addRange(s, 0x30, 0x39)
    addRange(s, 0x41, 0x5a)
    addRange(s, 0x61, 0x7a)
  },
  upper: (s) => addRange(s, 0x41, 0x5a),
  lower: (s) => addRange(s, 0x61, 0x7a),
  space: (s) => {
    addRange(s, 0x09, 0x0d)
    s[0x20] = 1
  },
  blank: (s) => {
    s[0x09] = 1
    s[0x20] = 1
  },
  punct: (s) => {
    addRange(s, 0x21, 0x2f)
    addRange(s, 0x3a, 0x40)
    addRange(s, 0x5b, 0x60)
    addRange(s, 0x7b, 0x7e)
  },
  print: (s) => addRange(s, 0x20, 0x7e),
  graph: (s) => addRange(s, 0x21, 0x7e),
  cntrl: (s) => {
    addRange(s, 0x00, 0x1f)
    s[0x7f] = 1
  },
  xdigit: (s) => {
    addRange(s, 0x30, 0x39)
    addRange(s, 0x41, 0x46)
    addRange(s, 0x61, 0x66)
  },
}

/** Adds the POSIX class `[:name:]` to the set; false if there is no such class. */
export function addClass(set: ByteSet, name: string): boolean {
  const build = Object.hasOwn(classBuilders, name) ? classBuilders[name] : undefined
  if (build === undefined) return false
  build(set)
  return true
}

/** glibc's word characters in the C locale (for `\w`, `\b`, `\<`, `\>`). */
export function isWordByte(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f
  )
}

/** Adds every byte from `from` to `to` (byte order, the C locale's collation). */
export function addByteRange(set: ByteSet, from: number, to: number): void {
  addRange(set, from, to)
}
