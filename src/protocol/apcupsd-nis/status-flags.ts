/**
 * NUT status flags ↔ apcupsd's STATUS words and STATFLAG bits (reference:
 * integrations.md 1.4). apcupsd's network clients act on STATFLAG, not on the words, so
 * both directions go through the bits.
 */

/** STATFLAG bits shared with NUT's flags (the low byte is APC's `Q` byte). */
const flagBits = [
  ['CAL', 0x01],
  ['TRIM', 0x02],
  ['BOOST', 0x04],
  ['OL', 0x08],
  ['OB', 0x10],
  ['OVER', 0x20],
  ['LB', 0x40],
  ['RB', 0x80],
] as const

export const statFlag = {
  commLost: 0x100,
  /** A master shutting down: apcupsd slaves shut down on it, even on line. */
  shuttingDown: 0x200,
  onBatteryMessageSent: 0x20000,
  fastPoll: 0x40000,
  plugged: 0x1000000,
  batteryPresent: 0x4000000,
} as const

/** The STATUS words in apcupsd's order, with the bit each one shows. */
const wordOrder = [
  ['CAL', 0x01],
  ['TRIM', 0x02],
  ['BOOST', 0x04],
  ['ONLINE', 0x08],
  ['ONBATT', 0x10],
  ['OVERLOAD', 0x20],
  ['LOWBATT', 0x40],
  ['REPLACEBATT', 0x80],
] as const

export interface NisStatus {
  /** The STATUS value as apcupsd prints it (each word followed by a space). */
  words: string
  statflag: number
}

/**
 * From a NUT `ups.status` (as served, FSD prefix included), the communication state and
 * the FSD latch. FSD becomes apcupsd's "shutting down": STATUS `SHUTTING DOWN` and bit
 * 0x200, the signal apcupsd network clients shut down on.
 */
export function nisStatusFromNut(status: string, options: { commLost: boolean }): NisStatus {
  const tokens = new Set(status.toUpperCase().split(/\s+/).filter(Boolean))
  let bits: number = statFlag.plugged | statFlag.batteryPresent
  for (const [flag, bit] of flagBits) if (tokens.has(flag)) bits |= bit
  if (tokens.has('OB')) bits |= statFlag.onBatteryMessageSent | statFlag.fastPoll
  if (options.commLost) return { words: 'COMMLOST ', statflag: bits | statFlag.commLost }
  if (tokens.has('FSD')) return { words: 'SHUTTING DOWN', statflag: bits | statFlag.shuttingDown }
  const words = wordOrder.filter(([, bit]) => (bits & bit) !== 0).map(([word]) => `${word} `)
  return { words: words.join(''), statflag: bits }
}

export interface NutFromNis {
  /** NUT status flags, e.g. `OB LB`; empty when the UPS state is unknown. */
  status: string
  commLost: boolean
  /** The apcupsd master is shutting down (bit 0x200 or `SHUTTING DOWN`). */
  shuttingDown: boolean
}

/**
 * From a NIS report: STATFLAG when it parses (as apcupsd's own slaves read it), else the
 * STATUS words. A master that is shutting down is also low on battery for NUT clients
 * (NUT issue 460: treat `SHUTTING DOWN` like LB).
 */
export function nutStatusFromNis(
  words: string | undefined,
  statflag: string | undefined,
): NutFromNis {
  const bits = parseStatflag(statflag)
  const text = (words ?? '').trim().toUpperCase()
  if (bits !== undefined) {
    const flags: string[] = flagBits.filter(([, bit]) => (bits & bit) !== 0).map(([f]) => f)
    const shuttingDown = (bits & statFlag.shuttingDown) !== 0 || text === 'SHUTTING DOWN'
    if (shuttingDown && !flags.includes('LB')) flags.push('LB')
    return { status: ordered(flags), commLost: (bits & statFlag.commLost) !== 0, shuttingDown }
  }
  if (text === 'COMMLOST') return { status: '', commLost: true, shuttingDown: false }
  if (text === 'SHUTTING DOWN') return { status: 'LB', commLost: false, shuttingDown: true }
  const tokens = new Set(text.split(/\s+/))
  const flags: string[] = wordOrder.filter(([w]) => tokens.has(w)).map(([w]) => wordToFlag(w))
  if (tokens.has('NOBATT')) flags.push('BYPASS')
  if (text === 'SELFTEST') flags.push('OB')
  return { status: ordered(flags), commLost: false, shuttingDown: false }
}

function parseStatflag(text: string | undefined): number | undefined {
  const match = text === undefined ? null : /^\s*0x([0-9a-f]{1,8})\b/i.exec(text)
  return match === null ? undefined : Number.parseInt(match[1] as string, 16)
}

function wordToFlag(word: string): string {
  switch (word) {
    case 'ONLINE':
      return 'OL'
    case 'ONBATT':
      return 'OB'
    case 'OVERLOAD':
      return 'OVER'
    case 'LOWBATT':
      return 'LB'
    case 'REPLACEBATT':
      return 'RB'
    default:
      return word
  }
}

/** NUT's customary order: line state first, then the rest. */
function ordered(flags: string[]): string {
  const rank = ['OL', 'OB', 'LB', 'RB', 'CAL', 'TRIM', 'BOOST', 'OVER', 'BYPASS']
  return [...new Set(flags)].sort((a, b) => rank.indexOf(a) - rank.indexOf(b)).join(' ')
}
