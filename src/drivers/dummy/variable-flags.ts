import type { ValueKind } from '../../devices/variable.ts'

/**
 * The flags dummy-ups 2.8.0 gives a variable when its data file (or a SET) writes it.
 * Observed by running Debian's dummy-ups 2.8.0 on a file naming every variable of NUT's
 * cmdvartab and reading the driver socket's DUMPALL (see test/interop/dummy-flags.test.ts):
 * a short list of known names is writable NUMBER (SETFLAGS RW, no aux) or a STRING with
 * its own length; every other name, known or not, is a writable STRING of 32 characters.
 * Names are matched without regard to case, as the driver does.
 */
export interface DummyFlags {
  writable: boolean
  kind: ValueKind
  /** STRING aux length; 0 when the variable is not a STRING. */
  maxLength: number
}

const writableNumbers = new Set([
  'ambient.humidity',
  'ambient.humidity.alarm',
  'ambient.humidity.high',
  'ambient.humidity.low',
  'ambient.temperature',
  'ambient.temperature.alarm',
  'ambient.temperature.high',
  'ambient.temperature.low',
  'battery.charge',
  'battery.charge.low',
  'battery.charge.restart',
  'battery.current',
  'battery.runtime',
  'battery.runtime.low',
  'battery.temperature',
  'battery.voltage',
  'battery.voltage.nominal',
  'input.frequency',
  'input.transfer.boost.high',
  'input.transfer.boost.low',
  'input.transfer.high',
  'input.transfer.low',
  'input.transfer.trim.high',
  'input.transfer.trim.low',
  'input.voltage',
  'input.voltage.maximum',
  'input.voltage.minimum',
  'input.voltage.nominal',
  'output.current',
  'output.frequency',
  'output.voltage',
  'ups.delay.reboot',
  'ups.delay.shutdown',
  'ups.delay.start',
  'ups.load',
  'ups.temperature',
  'ups.test.interval',
])

const stringLengths = new Map<string, number>([
  ['input.quality', 6],
  ['input.sensitivity', 1],
  ['input.transfer.reason', 1],
  ['ups.date', 16],
  ['ups.firmware', 16],
  ['ups.firmware.aux', 16],
  ['ups.id', 16],
  ['ups.mfr.date', 16],
  ['ups.test.result', 16],
  ['ups.time', 16],
])

/** Length of a writable STRING whose name the driver does not list. */
export const defaultStringLength = 32

export function dummyFlagsFor(name: string): DummyFlags {
  const key = name.toLowerCase()
  if (writableNumbers.has(key)) return { writable: true, kind: 'unspecified', maxLength: 0 }
  return {
    writable: true,
    kind: 'string',
    maxLength: stringLengths.get(key) ?? defaultStringLength,
  }
}

/** The names with flags of their own (for tests that compare with the real driver). */
export function namesWithOwnFlags(): string[] {
  return [...writableNumbers, ...stringLengths.keys()].sort()
}
