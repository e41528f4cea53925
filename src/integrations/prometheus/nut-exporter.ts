/**
 * nut_exporter's exposition of one UPS (reference: integrations.md 2.1, ecosystem.md 3.3):
 * `<namespace>_<var>` gauges with HELP `<GET DESC text> (<var>)`, `..._ups_status{flag}`
 * with the always-present statuses, and `..._device_info{...} 1`. Built from the store at
 * scrape time; pure.
 */
import type { MetricFamily } from './text-format.ts'
import { defaultOffPattern, defaultOnPattern, type OnOff, sampleValue } from './value-typing.ts'

/** nut_exporter's --nut.statuses default. */
export const defaultStatuses = [
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
  'SD',
] as const

/** nut_exporter's --nut.vars_enable default (nutshell's default is every variable). */
export const nutExporterDefaultVariables = [
  'battery.charge',
  'battery.voltage',
  'battery.voltage.nominal',
  'input.voltage',
  'input.voltage.nominal',
  'ups.load',
  'ups.status',
] as const

/** device_info's labels, from `device.<label>`. */
const deviceLabels = [
  'model',
  'mfr',
  'serial',
  'type',
  'description',
  'contact',
  'location',
  'part',
  'macaddr',
] as const

export interface NutExporterOptions {
  namespace: string
  /** Empty: every variable with a number-like (or on/off) value. */
  variables: readonly string[]
  statuses: readonly string[]
  deviceInfo: boolean
  onOff: OnOff
}

export function nutExporterOptions(
  settings: {
    namespace?: string | undefined
    variables?: readonly string[] | undefined
    statuses?: readonly string[] | undefined
    deviceInfo?: boolean | undefined
    onRegex?: string | undefined
    offRegex?: string | undefined
  } = {},
): NutExporterOptions {
  return {
    namespace: settings.namespace ?? 'network_ups_tools',
    variables: settings.variables ?? [],
    statuses: settings.statuses ?? defaultStatuses,
    deviceInfo: settings.deviceInfo ?? true,
    onOff: {
      on: new RegExp(settings.onRegex ?? defaultOnPattern, 'i'),
      off: new RegExp(settings.offRegex ?? defaultOffPattern, 'i'),
    },
  }
}

export interface UpsVariable {
  name: string
  value: string
}

/**
 * The families for one UPS. `variables` in upsd's LIST VAR order (ascending), with
 * ups.status as served (FSD prefixed while latched); `describe` gives GET DESC's text.
 */
export function upsFamilies(
  variables: readonly UpsVariable[],
  describe: (name: string) => string,
  options: NutExporterOptions,
): MetricFamily[] {
  const families: MetricFamily[] = []
  const device = new Map<string, string>(deviceLabels.map((label) => [label, '']))
  const prefix = options.namespace === '' ? '' : `${options.namespace}_`
  const wanted = options.variables.length === 0 ? undefined : new Set(options.variables)
  for (const { name, value } of variables) {
    const path = name.split('.')
    // nut_exporter keys device_info by the second path element only, so a later
    // `device.mfr.date` replaces `mfr`: kept, for dashboards that match on it.
    if (path[0] === 'device' && path[1] !== undefined) device.set(path[1], value)
    if (wanted !== undefined && !wanted.has(name)) continue
    const help = `${describe(name)} (${name})`
    if (name === 'ups.status') {
      const seen = new Set<string>()
      const samples = value.split(' ').map((flag) => {
        seen.add(flag)
        return { labels: [['flag', flag]] as const, value: 1 }
      })
      for (const flag of options.statuses)
        if (!seen.has(flag)) samples.push({ labels: [['flag', flag]] as const, value: 0 })
      families.push({ name: `${prefix}ups_status`, help, type: 'gauge', samples })
      continue
    }
    const sample = sampleValue(value, options.onOff)
    if (sample === undefined) continue
    const metric = `${prefix}${name.replace(/[.-]/g, '_')}`
    families.push({ name: metric, help, type: 'gauge', samples: [{ value: sample }] })
  }
  if (options.deviceInfo) {
    families.push({
      name: `${prefix}device_info`,
      help: 'UPS Device information',
      type: 'gauge',
      samples: [{ labels: deviceLabels.map((l) => [l, device.get(l) ?? ''] as const), value: 1 }],
    })
  }
  return families
}
