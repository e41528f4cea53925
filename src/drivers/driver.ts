import type { DeviceConfig } from '../config/types.ts'
import type { Clock } from '../core/clock.ts'
import type { Logger } from '../core/log.ts'
import type { Device } from '../devices/device.ts'

/** What every driver gets from the broker. */
export interface DriverContext {
  clock: Clock
  /** Usually bound to the device (`device` field); drivers bind it with bindOnce. */
  log: Logger
  /** Directory relative paths (dummy-ups data files) resolve against. */
  configDir: string
  /** NUT state path (driver sockets). */
  statePath: string
  /** upsd.conf MAXAGE: drivers that judge staleness as upsd does use it (default 15 s). */
  maxAgeMs?: number
  /** How NUT C drivers are run (src/drivers/nut); defaults as upsdrvctl on Debian. */
  nutDrivers?: NutDriverSettings
}

export interface NutDriverSettings {
  /** Where driver binaries live (ups.conf `driverpath`; Debian: /lib/nut). */
  driverPath?: string
  /** Passed to the driver as `-u USER` (the user it drops to when started as root). */
  user?: string
  /** Attach to drivers started by someone else (upsdrvctl); never start one. */
  attachOnly?: boolean
}

/**
 * A driver owns one device's link: it fills the device in the store, keeps it current,
 * sets its communication state, and carries out SET and INSTCMD through the controller it
 * attaches to the device.
 */
export interface Driver {
  start(): Promise<void>
  stop(): Promise<void>
}

export type DriverFactory = (config: DeviceConfig, device: Device, context: DriverContext) => Driver
