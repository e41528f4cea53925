import type { NotifyState } from '../devices/notify-events.ts'

/**
 * upsmon's critical rule (reference 3.4), pure. `UpsCriticalView` is what the monitor
 * knows of one UPS at `now` (monotonic ms); timings are the MonitorConfig ones.
 */
export interface UpsCriticalView {
  notify: NotifyState
  role: 'primary' | 'secondary'
  /** Whether any status was ever read: a UPS never contacted counts as OK. */
  contacted: boolean
  /** Monotonic ms since which OFF / OB+LB have been seen without a break. */
  offSince: number | undefined
  obLbSince: number | undefined
}

export interface CriticalTimings {
  deadTimeMs: number
  hostSyncMs: number
  offDurationMs: number
  overDurationMs: number
  obLbDurationMs: number
  alarmCritical: boolean
}

export type CriticalReason =
  | 'fsd'
  | 'nocomm-over'
  | 'nocomm-alarm'
  | 'nocomm-cal'
  | 'nocomm-bypass'
  | 'nocomm-off'
  | 'off'
  | 'onbatt-lowbatt'
  | 'hostsync-expired'

/** Why the UPS is critical, or undefined when it is not. */
export function criticalReason(
  ups: UpsCriticalView,
  now: number,
  t: CriticalTimings,
): CriticalReason | undefined {
  const s = ups.notify
  if (!ups.contacted) return undefined
  if (s.fsd) return 'fsd'
  const silent = s.comm === 'bad' ? now - s.lastSuccess : 0
  if (s.flags.OVER && t.overDurationMs >= 0 && s.comm === 'bad' && silent >= t.overDurationMs)
    return 'nocomm-over'
  // A UPS last seen in a state where it may drop the load, and silent past DEADTIME: assume
  // the worst (NUT master). DEADTIME keeps a short network blip from shutting down.
  if (s.comm === 'bad' && silent > t.deadTimeMs) {
    if (s.flags.ALARM && t.alarmCritical) return 'nocomm-alarm'
    if (s.calibrating) return 'nocomm-cal'
    if (s.flags.BYPASS) return 'nocomm-bypass'
    if (s.flags.OFF && t.offDurationMs >= 0) return 'nocomm-off'
  }
  if (
    s.flags.OFF &&
    t.offDurationMs >= 0 &&
    ups.offSince !== undefined &&
    now - ups.offSince >= t.offDurationMs
  )
    return 'off'
  if (s.line !== 'onbatt' || !s.lowBattery) return undefined
  if (s.calibrating) return undefined
  if (t.obLbDurationMs > 0 && ups.obLbSince !== undefined && now - ups.obLbSince < t.obLbDurationMs)
    return undefined
  if (ups.role === 'primary') return 'onbatt-lowbatt'
  // A secondary waits for the primary's FSD, but not forever.
  return now - s.lastNonCritical > t.hostSyncMs ? 'hostsync-expired' : undefined
}

/** Σ power values of the UPSes that are not critical (never-contacted ones count). */
export function suppliesSum(
  upses: ReadonlyArray<{ powerValue: number; critical: boolean }>,
): number {
  let sum = 0
  for (const ups of upses) if (!ups.critical) sum += ups.powerValue
  return sum
}
