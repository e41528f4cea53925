/**
 * apcupsd's `status` report (reference: integrations.md 1.2, 1.3): building one from a
 * NUT device for the NIS face, and reading one from a real apcupsd for the apcupsd driver.
 * Each record is `KEY` left-justified in 9 columns, `: `, the value, LF; the value starts at
 * column 11. Records stay under 256 bytes (apcaccess's buffer). Pure; never throws.
 */
import { formatField, identityFields, measuredFields, type NisField, parseField } from './fields.ts'
import { type NutFromNis, nisStatusFromNut, nutStatusFromNis } from './status-flags.ts'

/** What the NIS face knows of one UPS at the moment of a `status` request. */
export interface NisSnapshot {
  upsName: string
  hostname: string
  version: string
  /** NUT variables of the device (ups.status as served: `FSD` prefixed while latched). */
  variables: ReadonlyMap<string, string>
  commLost: boolean
  startTime: Date
  lastUpdate: Date
  now: Date
  /** Minutes east of UTC for the dates (apcupsd prints local time with `%z`). */
  utcOffsetMinutes: number
  transfers: {
    count: number
    lastOnBattery?: Date | undefined
    lastOffBattery?: Date | undefined
    /** Seconds of the current time on battery (0 on line) and in all. */
    onBatterySeconds: number
    cumulativeSeconds: number
  }
  /** The shutdown thresholds the monitor applies (apcupsd BATTERYLEVEL, MINUTES, TIMEOUT). */
  thresholds: { chargePercent?: number; runtimeMinutes?: number; timeoutSeconds?: number }
}

const maxRecord = 255

export function formatNisDate(date: Date, utcOffsetMinutes: number): string {
  const local = new Date(date.getTime() + utcOffsetMinutes * 60_000)
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  const sign = utcOffsetMinutes < 0 ? '-' : '+'
  const offset = Math.abs(utcOffsetMinutes)
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ` +
    `${sign}${pad(Math.trunc(offset / 60))}${pad(offset % 60)}  `
  )
}

function record(key: string, value: string): string {
  // A value holding a line break would forge records; one over the buffer would be cut.
  const clean = value.replace(/[\r\n\0]/g, ' ')
  const line = `${key.padEnd(9)}: ${clean}`
  return `${line.slice(0, maxRecord - 1)}\n`
}

/** The records of a `status` reply, in apcupsd's order, each ending in LF. */
export function formatStatusReport(s: NisSnapshot): string[] {
  const v = s.variables
  const date = (d: Date) => formatNisDate(d, s.utcOffsetMinutes)
  const fields = (list: readonly NisField[]) =>
    list.flatMap((field) => {
      const source = field.nut.map((name) => v.get(name)).find((x) => x !== undefined)
      const text = source === undefined ? undefined : formatField(field, source)
      return text === undefined ? [] : [record(field.key, text)]
    })
  const status = nisStatusFromNut(v.get('ups.status') ?? '', { commLost: s.commLost })
  const model = v.get('device.model') ?? v.get('ups.model')
  const lowCharge = s.thresholds.chargePercent ?? numberOf(v.get('battery.charge.low'))
  const lowRuntime =
    s.thresholds.runtimeMinutes ?? scaleDown(numberOf(v.get('battery.runtime.low')), 60)
  const t = s.transfers
  const body = [
    record('DATE', date(s.lastUpdate)),
    record('HOSTNAME', s.hostname),
    record('VERSION', s.version),
    record('UPSNAME', v.get('ups.id') ?? s.upsName),
    record('CABLE', 'Ethernet Link'),
    record('DRIVER', v.get('driver.name') ?? 'nutshell'),
    record('UPSMODE', 'Stand Alone'),
    record('STARTTIME', date(s.startTime)),
    ...(model === undefined ? [] : [record('MODEL', model)]),
    record('STATUS', status.words),
    ...fields(measuredFields.slice(0, 5)), // LINEV .. TIMELEFT
    record('MBATTCHG', `${Math.trunc(lowCharge ?? 0)} Percent`),
    record('MINTIMEL', `${Math.trunc(lowRuntime ?? 0)} Minutes`),
    record('MAXTIME', `${Math.trunc(s.thresholds.timeoutSeconds ?? 0)} Seconds`),
    ...fields(measuredFields.slice(5, 15)), // MAXLINEV .. ITEMP
    ...alarmDelay(v.get('ups.beeper.status')),
    ...fields(measuredFields.slice(15)), // BATTV .. OUTCURNT
    record('LASTXFER', lastTransfer(v.get('input.transfer.reason'), t.count)),
    record('NUMXFERS', String(t.count)),
    ...(t.count > 0 && t.lastOnBattery !== undefined
      ? [record('XONBATT', date(t.lastOnBattery))]
      : []),
    record('TONBATT', `${Math.trunc(t.onBatterySeconds)} Seconds`),
    record('CUMONBATT', `${Math.trunc(t.cumulativeSeconds)} Seconds`),
    record('XOFFBATT', t.lastOffBattery === undefined ? 'N/A' : date(t.lastOffBattery)),
    ...selfTest(v.get('ups.test.result')),
    ...testInterval(v.get('ups.test.interval')),
    record('STATFLAG', `0x${status.statflag.toString(16).toUpperCase().padStart(8, '0')}`),
    ...fields(identityFields),
    record('END APC', date(s.now)),
  ]
  const bytes = body.reduce((n, line) => n + Buffer.byteLength(line), 0)
  const head = `001,${String(body.length).padStart(3, '0')},${String(bytes).padStart(4, '0')}`
  return [record('APC', head), ...body]
}

function numberOf(text: string | undefined): number | undefined {
  const n = text === undefined ? Number.NaN : Number(text)
  return Number.isFinite(n) ? n : undefined
}

function scaleDown(n: number | undefined, by: number): number | undefined {
  return n === undefined ? undefined : n / by
}

function alarmDelay(beeper: string | undefined): string[] {
  if (beeper === undefined) return []
  return [record('ALARMDEL', beeper.toLowerCase() === 'disabled' ? 'No alarm' : 'Always')]
}

/** apcupsd's own sentences; a NUT reason is mapped to the nearest one. */
const transferSentences: ReadonlyArray<readonly [RegExp, string]> = [
  [/self.?test|test/i, 'Automatic or explicit self test'],
  [/software|forced|command/i, 'Forced by software'],
  [/notch|spike/i, 'Line voltage notch or spike'],
  [/freq/i, 'Input frequency out of range'],
  [/rate|changes/i, 'Unacceptable line voltage changes'],
  [/high|over/i, 'High line voltage'],
  [/low|under|brown|black|out of range|fail/i, 'Low line voltage'],
]

function lastTransfer(reason: string | undefined, count: number): string {
  if (reason === undefined || reason.trim() === '')
    return count === 0 ? 'No transfers since turnon' : 'UNKNOWN EVENT'
  return transferSentences.find(([pattern]) => pattern.test(reason))?.[1] ?? 'UNKNOWN EVENT'
}

function selfTest(result: string | undefined): string[] {
  if (result === undefined) return []
  const r = result.toLowerCase()
  const code = r.includes('progress')
    ? 'IP'
    : r.includes('warn')
      ? 'WN'
      : r.includes('error') || r.includes('fail')
        ? 'NG'
        : r.includes('pass') || r === 'ok'
          ? 'OK'
          : r.includes('no test')
            ? 'NO'
            : '??'
  return [record('SELFTEST', code)]
}

function testInterval(seconds: string | undefined): string[] {
  const n = numberOf(seconds)
  return n === undefined ? [] : [record('STESTI', String(Math.trunc(n / 3600)))]
}

/** The records of a reply as key → value (value from column 11, line break removed). */
export function parseStatusReport(records: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of records) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const key = line.slice(0, colon).trim()
    if (key === '' || out.has(key)) continue // apcupsd's clients take the first occurrence
    out.set(
      key,
      line
        .slice(colon + 1)
        .replace(/^ /, '')
        .replace(/\n$/, ''),
    )
  }
  return out
}

export interface NutFromReport extends NutFromNis {
  variables: Map<string, string>
}

/** A real apcupsd's report as NUT variables, as NUT's own `apcupsd-ups` driver maps it. */
export function nutFromReport(report: ReadonlyMap<string, string>): NutFromReport {
  const variables = new Map<string, string>([
    ['ups.mfr', 'APC'],
    ['device.mfr', 'APC'],
  ])
  for (const field of [...measuredFields, ...identityFields]) {
    const text = report.get(field.key)
    const value = text === undefined ? undefined : parseField(field, text)
    if (value !== undefined) for (const name of field.nut) variables.set(name, value)
  }
  const model = report.get('MODEL')?.trim()
  if (model) {
    variables.set('ups.model', model)
    variables.set('device.model', model)
  }
  const name = report.get('UPSNAME')?.trim()
  if (name) variables.set('ups.id', name)
  const low = numberOf(report.get('MBATTCHG')?.split(/\s+/)[0])
  if (low !== undefined) variables.set('battery.charge.low', String(low))
  const minutes = numberOf(report.get('MINTIMEL')?.split(/\s+/)[0])
  if (minutes !== undefined) variables.set('battery.runtime.low', String(minutes * 60))
  // As NUT's apcupsd-ups: DATE `2026-12-04 03:59:12 +0000` → ups.date and ups.time.
  const date = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)/.exec(report.get('DATE')?.trim() ?? '')
  if (date !== null) {
    variables.set('ups.date', date[1] as string)
    variables.set('ups.time', date[2] as string)
  }
  const reason = report.get('LASTXFER')?.trim()
  if (reason) variables.set('input.transfer.reason', reason)
  const status = nutStatusFromNis(report.get('STATUS'), report.get('STATFLAG'))
  if (status.status !== '') variables.set('ups.status', status.status)
  return { ...status, variables }
}
