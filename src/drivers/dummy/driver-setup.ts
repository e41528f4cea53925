/**
 * What NUT's driver core does with a ups.conf section before dummy-ups reads its data,
 * as observed with Debian's dummy-ups 2.8.0 (driver socket DUMPALL):
 * - `driver.name`, `driver.version` ("2.8.0"), `driver.version.internal` ("0.15");
 * - `driver.parameter.port` (as written), `.mode`, `.pollinterval` (default 2) and
 *   `.synchronous` (default "auto"); bare flags `nolock` and `ignorelb` become
 *   `driver.flag.<name>` = "enabled";
 * - `default.<var> = v` sets the variable when nothing else does; `override.<var> = v`
 *   fixes it: the data file and SET cannot change it and it is not writable.
 * None of these carry flags (not RW, no STRING), as in NUT.
 *
 * nutshell reports NUT's own version strings so that a device is identical whichever
 * program serves it (docs/compatibility.md, "dummy-ups driver").
 */
import type { DeviceConfig } from '../../config/types.ts'
import { nutVersion } from '../../core/version.ts'

export const dummyDriverName = 'dummy-ups'
export const dummyDriverInternalVersion = '0.15'
export const defaultPollIntervalSeconds = 2

export interface DriverSetup {
  /** driver.* variables, name → value. */
  driverVariables: Array<{ name: string; value: string }>
  /** `override.<var>` settings, keyed by lower-case variable name. */
  overrides: Map<string, { name: string; value: string }>
  /** `default.<var>` settings. */
  defaults: Array<{ name: string; value: string }>
  pollIntervalMs: number
  /** Settings the driver does not understand, for the log. */
  warnings: string[]
}

/** Keys of a section that the driver core or upsd read; nothing to report for them. */
const quietKeys = new Set([
  'driver',
  'port',
  'desc',
  'sdorder',
  'maxstartdelay',
  'debug_min',
  'user',
  'group',
  'mode',
  'pollinterval',
  'synchronous',
])

const knownFlags = new Set(['nolock', 'ignorelb'])

export function driverSetup(config: DeviceConfig, reportedMode: string): DriverSetup {
  const warnings: string[] = []
  const overrides = new Map<string, { name: string; value: string }>()
  const defaults: Array<{ name: string; value: string }> = []

  const pollOption = config.options['pollinterval']
  let pollSeconds = defaultPollIntervalSeconds
  if (pollOption !== undefined) {
    if (/^\d+$/.test(pollOption) && Number(pollOption) > 0) pollSeconds = Number(pollOption)
    else
      warnings.push(
        `pollinterval "${pollOption}" is not a whole number of seconds above 0; using 2`,
      )
  }

  const driverVariables = [
    { name: 'driver.name', value: dummyDriverName },
    { name: 'driver.parameter.mode', value: reportedMode },
    { name: 'driver.parameter.pollinterval', value: String(pollSeconds) },
    { name: 'driver.parameter.port', value: config.port },
    { name: 'driver.parameter.synchronous', value: config.options['synchronous'] ?? 'auto' },
    { name: 'driver.version', value: nutVersion },
    { name: 'driver.version.internal', value: dummyDriverInternalVersion },
  ]
  for (const flag of config.flags) {
    if (knownFlags.has(flag))
      driverVariables.push({ name: `driver.flag.${flag}`, value: 'enabled' })
    else warnings.push(`flag "${flag}" means nothing to dummy-ups; ignored`)
  }

  for (const [key, value] of Object.entries(config.options)) {
    if (key.startsWith('override.') && key.length > 'override.'.length) {
      const name = key.slice('override.'.length)
      overrides.set(name.toLowerCase(), { name, value })
    } else if (key.startsWith('default.') && key.length > 'default.'.length) {
      defaults.push({ name: key.slice('default.'.length), value })
    } else if (!quietKeys.has(key)) {
      warnings.push(
        `setting "${key}" means nothing to dummy-ups; ignored (NUT's driver refuses to start)`,
      )
    }
  }
  return { driverVariables, overrides, defaults, pollIntervalMs: pollSeconds * 1000, warnings }
}
