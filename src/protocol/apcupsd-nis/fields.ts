/**
 * The NIS fields that carry a NUT variable, in apcupsd 3.14.14's output order, with the
 * value format each one has (reference: integrations.md 1.3). One table serves both
 * directions: the NIS face formats NUT values with it, and the apcupsd driver reads a real
 * apcupsd's report back into NUT names with it.
 */

export type FieldFormat =
  | { kind: 'fixed'; decimals: 1 | 2; unit: string } // `%.1f Volts`
  | { kind: 'int'; unit: string } // `%d Seconds`
  | { kind: 'int-dot-zero'; unit: string } // `%d.0 Volts`
  | { kind: 'text' }
  | { kind: 'sense' } // High / Medium / Low / Auto Adjust

export interface NisField {
  key: string
  /** The NUT variables it comes from, the first present wins (the driver sets them all). */
  nut: readonly string[]
  format: FieldFormat
  /** NIS value = NUT value / scale (battery.runtime seconds → TIMELEFT minutes). */
  scale?: number
  /**
   * Decimals NUT's apcupsd-ups driver prints when it reads the field back (it writes
   * TIMELEFT × 60 and NOMPOWER with `%.1f`: `2550.0`, `980.0`); the others keep the text.
   */
  nutDecimals?: number
}

const volts = (decimals: 1 | 2 = 1): FieldFormat => ({ kind: 'fixed', decimals, unit: 'Volts' })
const percent: FieldFormat = { kind: 'fixed', decimals: 1, unit: 'Percent' }

/** Fields between STATUS and STATFLAG, in output order; computed ones are not here. */
export const measuredFields: readonly NisField[] = [
  { key: 'LINEV', nut: ['input.voltage'], format: volts() },
  { key: 'LOADPCT', nut: ['ups.load'], format: percent },
  { key: 'LOADAPNT', nut: ['power.percent'], format: percent },
  { key: 'BCHARGE', nut: ['battery.charge'], format: percent },
  {
    key: 'TIMELEFT',
    nut: ['battery.runtime'],
    format: { kind: 'fixed', decimals: 1, unit: 'Minutes' },
    scale: 60,
    nutDecimals: 1,
  },
  { key: 'MAXLINEV', nut: ['input.voltage.maximum'], format: volts() },
  { key: 'MINLINEV', nut: ['input.voltage.minimum'], format: volts() },
  { key: 'OUTPUTV', nut: ['output.voltage'], format: volts() },
  { key: 'SENSE', nut: ['input.sensitivity'], format: { kind: 'sense' } },
  { key: 'DWAKE', nut: ['ups.delay.start'], format: { kind: 'int', unit: 'Seconds' } },
  { key: 'DSHUTD', nut: ['ups.delay.shutdown'], format: { kind: 'int', unit: 'Seconds' } },
  {
    key: 'DLOWBATT',
    nut: ['battery.runtime.low'],
    format: { kind: 'int', unit: 'Minutes' },
    scale: 60,
  },
  { key: 'LOTRANS', nut: ['input.transfer.low'], format: { kind: 'int-dot-zero', unit: 'Volts' } },
  { key: 'HITRANS', nut: ['input.transfer.high'], format: { kind: 'int-dot-zero', unit: 'Volts' } },
  {
    key: 'RETPCT',
    nut: ['battery.charge.restart'],
    format: { kind: 'int-dot-zero', unit: 'Percent' },
  },
  { key: 'ITEMP', nut: ['ups.temperature'], format: { kind: 'fixed', decimals: 1, unit: 'C' } },
  { key: 'BATTV', nut: ['battery.voltage'], format: volts() },
  {
    key: 'LINEFREQ',
    nut: ['input.frequency', 'output.frequency'],
    format: { kind: 'fixed', decimals: 1, unit: 'Hz' },
  },
  {
    key: 'OUTCURNT',
    nut: ['output.current'],
    format: { kind: 'fixed', decimals: 2, unit: 'Amps' },
  },
]

/** Fields after STATFLAG, in output order. */
export const identityFields: readonly NisField[] = [
  { key: 'MANDATE', nut: ['ups.mfr.date'], format: { kind: 'text' } },
  { key: 'SERIALNO', nut: ['device.serial', 'ups.serial'], format: { kind: 'text' } },
  { key: 'BATTDATE', nut: ['battery.date'], format: { kind: 'text' } },
  { key: 'NOMOUTV', nut: ['output.voltage.nominal'], format: { kind: 'int', unit: 'Volts' } },
  { key: 'NOMINV', nut: ['input.voltage.nominal'], format: { kind: 'int', unit: 'Volts' } },
  { key: 'NOMBATTV', nut: ['battery.voltage.nominal'], format: volts() },
  {
    key: 'NOMPOWER',
    nut: ['ups.realpower.nominal'],
    format: { kind: 'int', unit: 'Watts' },
    nutDecimals: 1,
  },
  { key: 'NOMAPNT', nut: ['ups.power.nominal'], format: { kind: 'int', unit: 'VA' } },
  { key: 'HUMIDITY', nut: ['ambient.humidity'], format: percent },
  {
    key: 'AMBTEMP',
    nut: ['ambient.temperature'],
    format: { kind: 'fixed', decimals: 1, unit: 'C' },
  },
  { key: 'EXTBATTS', nut: ['battery.packs'], format: { kind: 'int', unit: '' } },
  { key: 'BADBATTS', nut: ['battery.packs.bad'], format: { kind: 'int', unit: '' } },
  { key: 'FIRMWARE', nut: ['ups.firmware'], format: { kind: 'text' } },
]

const senseWords: Record<string, string> = {
  H: 'High',
  M: 'Medium',
  L: 'Low',
  A: 'Auto Adjust',
}

/** A NUT value in the field's NIS format, or undefined when it does not fit the format. */
export function formatField(field: NisField, value: string): string | undefined {
  const format = field.format
  switch (format.kind) {
    case 'text':
      return value
    case 'sense':
      return senseWords[value.trim().charAt(0).toUpperCase()] ?? 'Unknown'
    case 'fixed':
    case 'int':
    case 'int-dot-zero': {
      const number = Number(value.trim())
      if (value.trim() === '' || !Number.isFinite(number)) return undefined
      const scaled = number / (field.scale ?? 1)
      const digits =
        format.kind === 'fixed'
          ? scaled.toFixed(format.decimals)
          : format.kind === 'int'
            ? String(Math.trunc(scaled))
            : `${Math.trunc(scaled)}.0`
      return format.unit === '' ? digits : `${digits} ${format.unit}`
    }
  }
}

/** A NIS value back in NUT's form (units dropped, scale undone), or undefined. */
export function parseField(field: NisField, text: string): string | undefined {
  const value = text.trim()
  if (value === '' || value === 'N/A') return undefined
  const format = field.format
  switch (format.kind) {
    case 'text':
      return value
    case 'sense':
      // NUT's own apcupsd driver keeps the first letter (High → H).
      return value.charAt(0)
    case 'fixed':
    case 'int':
    case 'int-dot-zero': {
      const number = Number(value.split(/\s+/)[0])
      if (!Number.isFinite(number)) return undefined
      const scaled = number * (field.scale ?? 1)
      if (field.nutDecimals !== undefined) return scaled.toFixed(field.nutDecimals)
      return field.scale === undefined ? (value.split(/\s+/)[0] as string) : String(round(scaled))
    }
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}
