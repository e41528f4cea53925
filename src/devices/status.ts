/**
 * The `ups.status` value: space-separated tokens (OL, OB, LB, ...). Clients must tolerate
 * tokens they do not know, so this keeps every token in order.
 */
export const knownStatusFlags = [
  'OL',
  'OB',
  'LB',
  'HB',
  'RB',
  'CHRG',
  'DISCHRG',
  'BYPASS',
  'CAL',
  'OFF',
  'OVER',
  'TRIM',
  'BOOST',
  'FSD',
  'ALARM',
  'WAIT',
  'ECO',
] as const

export type StatusFlag = (typeof knownStatusFlags)[number]

export function parseStatus(value: string): string[] {
  return value.split(/\s+/).filter((token) => token.length > 0)
}

export function hasStatusFlag(value: string, flag: string): boolean {
  const wanted = flag.toUpperCase()
  return parseStatus(value).some((token) => token.toUpperCase() === wanted)
}

/** upsd shows its FSD latch by prefixing the status it serves. */
export function withFsdPrefix(value: string): string {
  return value.length > 0 ? `FSD ${value}` : 'FSD'
}
