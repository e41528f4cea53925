/**
 * upsmon's notify event types (reference: nut-protocol.md 3.6): those of NUT 2.8.0 and
 * those NUT's master branch added. Config readers check NOTIFYFLAG, NOTIFYMSG and
 * upssched's AT lines against this list.
 */
export const notifyTypes280 = [
  'ONLINE',
  'ONBATT',
  'LOWBATT',
  'FSD',
  'COMMOK',
  'COMMBAD',
  'SHUTDOWN',
  'REPLBATT',
  'NOCOMM',
  'NOPARENT',
  'CAL',
] as const

export const notifyTypesMaster = [
  'NOTCAL',
  'OFF',
  'NOTOFF',
  'BYPASS',
  'NOTBYPASS',
  'ECO',
  'NOTECO',
  'ALARM',
  'NOTALARM',
  'OVER',
  'NOTOVER',
  'TRIM',
  'NOTTRIM',
  'BOOST',
  'NOTBOOST',
  'OTHER',
  'NOTOTHER',
  'SHUTDOWN_HOSTSYNC',
  'SUSPEND_STARTING',
  'SUSPEND_FINISHED',
  'SUSPEND_TIMEJUMP_UNEXPECTED',
] as const

export const notifyTypes: readonly string[] = [...notifyTypes280, ...notifyTypesMaster]

export function isNotifyType(word: string): boolean {
  return notifyTypes.includes(word.toUpperCase())
}
