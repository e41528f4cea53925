import type { NotifyFlag } from '../config/types.ts'
import type { NotifyEvent } from '../devices/notify-events.ts'

/**
 * The stock message and flags of each notify type, as upsmon has them by default
 * (reference 3.1 / 3.6): `%s` stands for the MONITOR system string (`ups@host[:port]`).
 * NOTIFYMSG / NOTIFYFLAG in the configuration replace them per type.
 */
const stockMessages: Record<NotifyEvent, string> = {
  ONLINE: 'UPS %s on line power',
  ONBATT: 'UPS %s on battery',
  LOWBATT: 'UPS %s battery is low',
  FSD: 'UPS %s: forced shutdown in progress',
  COMMOK: 'Communications with UPS %s established',
  COMMBAD: 'Communications with UPS %s lost',
  SHUTDOWN: 'Auto logout and shutdown proceeding',
  REPLBATT: 'UPS %s battery needs to be replaced',
  NOCOMM: 'UPS %s is unavailable',
  NOPARENT: 'upsmon parent process died - shutdown impossible',
  CAL: 'UPS %s: calibration in progress',
  NOTCAL: 'UPS %s: calibration finished',
  OFF: 'UPS %s: administratively OFF or asleep',
  NOTOFF: 'UPS %s: no longer administratively OFF or asleep',
  BYPASS: 'UPS %s: on bypass (powered, not protecting)',
  NOTBYPASS: 'UPS %s: no longer on bypass',
  ECO: 'UPS %s: in ECO mode',
  NOTECO: 'UPS %s: no longer in ECO mode',
  ALARM: 'UPS %s: one or more alarms are active',
  NOTALARM: 'UPS %s: no longer has active alarms',
  OVER: 'UPS %s: overloaded',
  NOTOVER: 'UPS %s: no longer overloaded',
  TRIM: 'UPS %s: trimming incoming voltage',
  NOTTRIM: 'UPS %s: no longer trimming incoming voltage',
  BOOST: 'UPS %s: boosting incoming voltage',
  NOTBOOST: 'UPS %s: no longer boosting incoming voltage',
  OTHER: 'UPS %s: has at least one unclassified status token',
  NOTOTHER: 'UPS %s: has no unclassified status tokens anymore',
  SHUTDOWN_HOSTSYNC: 'Waiting for secondaries to log out before shutting down (HOSTSYNC)',
  SUSPEND_STARTING: 'This host is going to hibernate (suspend to disk)',
  SUSPEND_FINISHED: 'This host is back from hibernation',
  SUSPEND_TIMEJUMP_UNEXPECTED: 'The clock jumped: this host may have slept without being told',
}

const defaultFlags: readonly NotifyFlag[] = ['SYSLOG', 'WALL']

/** The flags in force for a type: the configured ones, else upsmon's defaults. */
export function flagsFor(
  type: NotifyEvent,
  configured: Readonly<Record<string, readonly NotifyFlag[]>>,
): readonly NotifyFlag[] {
  const own = Object.hasOwn(configured, type) ? configured[type] : undefined
  if (own !== undefined) return own.includes('IGNORE') ? [] : own
  // upsmon 2.8.0 only logs calibration; it does not broadcast it.
  if (type === 'CAL' || type === 'NOTCAL') return ['SYSLOG']
  return defaultFlags
}

/**
 * The message for a type: the NOTIFYMSG template (or the stock one) with its first `%s`
 * replaced by the system string and a second one (ALARM, OTHER) by `detail`.
 */
export function messageFor(
  type: NotifyEvent,
  system: string,
  configured: Readonly<Record<string, string>>,
  detail = '',
): string {
  const template =
    (Object.hasOwn(configured, type) ? configured[type] : undefined) ?? stockMessages[type]
  let used = 0
  return template.replace(/%s/g, () => {
    used++
    return used === 1 ? system : used === 2 ? detail : ''
  })
}

export function stockMessage(type: NotifyEvent): string {
  return stockMessages[type]
}
