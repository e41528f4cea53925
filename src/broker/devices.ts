/**
 * The devices of a broker and their drivers, in one of two ways:
 * - `run` (serve): each device gets the driver its configuration names (the built-in
 *   dummy-ups, a repeater, or a NUT C driver nutshell starts itself);
 * - `attach` (upsd, local monitor): every device is attached through its NUT driver's
 *   state socket `STATEPATH/<driver>-<ups>`, whatever the driver; nothing is started
 *   (upsdrvctl or NUT's service units run them).
 * `sync` brings the set in line with a new configuration, as upsd's reload does: new and
 * removed UPSes, changed drivers, MAXAGE, STATEPATH.
 */
import type { BrokerConfig, DeviceConfig } from '../config/types.ts'
import type { Clock } from '../core/clock.ts'
import { describeError, NutshellError } from '../core/errors.ts'
import type { Logger } from '../core/log.ts'
import type { DeviceStore } from '../devices/device-store.ts'
import type { Driver, DriverContext } from '../drivers/driver.ts'
import { createDriver } from '../drivers/registry.ts'

export type DeviceWiring = 'run' | 'attach'

interface Entry {
  config: DeviceConfig
  driver: Driver
  /** Resolves once an attached driver's socket has been tried once. */
  firstAttempt: Promise<void>
  maxAgeMs: number
  statePath: string
}

export class DeviceSet {
  private readonly entries = new Map<string, Entry>()
  private readonly store: DeviceStore
  private readonly wiring: DeviceWiring
  private readonly clock: Clock
  private readonly log: Logger

  constructor(options: { store: DeviceStore; wiring: DeviceWiring; clock: Clock; log: Logger }) {
    this.store = options.store
    this.wiring = options.wiring
    this.clock = options.clock
    this.log = options.log
  }

  get size(): number {
    return this.entries.size
  }

  /**
   * Starts what is missing and stops what is gone or changed. A driver that cannot start
   * leaves its device "lost"; the others go on.
   */
  async sync(config: BrokerConfig): Promise<void> {
    const wanted = new Map(config.devices.map((d) => [d.name.toLowerCase(), d]))
    for (const [key, entry] of [...this.entries]) {
      const next = wanted.get(key)
      if (next !== undefined && unchanged(entry, next, config)) continue
      await entry.driver.stop().catch(() => undefined)
      this.entries.delete(key)
      this.store.remove(entry.config.name)
    }
    const context = this.context(config)
    const started: Array<Promise<void>> = []
    for (const deviceConfig of config.devices) {
      const key = deviceConfig.name.toLowerCase()
      const existing = this.entries.get(key)
      if (existing !== undefined) {
        const device = this.store.get(deviceConfig.name)
        if (device !== undefined) device.description = deviceConfig.description
        existing.config = deviceConfig
        continue
      }
      const device = this.store.add(deviceConfig.name, deviceConfig.description)
      // NUT drivers name their device in every line themselves (driver, ups).
      const log = this.wiring === 'run' ? this.log.child({ device: deviceConfig.name }) : this.log
      const entry = await this.makeDriver(deviceConfig, device, { ...context, log })
      this.entries.set(key, {
        ...entry,
        config: deviceConfig,
        maxAgeMs: config.server.maxAgeMs,
        statePath: config.server.statePath,
      })
      started.push(
        entry.driver.start().catch((error: unknown) => {
          const failure = driverFailure(deviceConfig, error)
          log.error({ code: failure.code, err: describeError(error) }, failure.message)
        }),
      )
    }
    await Promise.all(started)
  }

  /** Resolves once every attached driver socket has been tried (connected or not). */
  async firstAttempts(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.firstAttempt))
  }

  async stop(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.driver.stop().catch(() => undefined)))
    this.entries.clear()
  }

  private async makeDriver(
    config: DeviceConfig,
    device: ReturnType<DeviceStore['add']>,
    context: DriverContext,
  ): Promise<{ driver: Driver; firstAttempt: Promise<void> }> {
    if (this.wiring === 'run') {
      return { driver: createDriver(config, device, context), firstAttempt: Promise.resolve() }
    }
    // Loaded only where used: serve with the built-in driver never loads the NUT bridge.
    const { NutDriver } = await import('../drivers/nut/nut-driver.ts')
    const driver = new NutDriver(config, device, context)
    return { driver, firstAttempt: driver.link.firstAttempt }
  }

  private context(config: BrokerConfig): DriverContext {
    const defaults = config.driverDefaults
    return {
      clock: this.clock,
      log: this.log,
      configDir: config.configDir,
      statePath: config.server.statePath,
      maxAgeMs: config.server.maxAgeMs,
      nutDrivers:
        this.wiring === 'attach'
          ? { attachOnly: true }
          : {
              ...(defaults?.driverPath === undefined ? {} : { driverPath: defaults.driverPath }),
              ...(defaults?.user === undefined ? {} : { user: defaults.user }),
            },
    }
  }
}

function unchanged(entry: Entry, next: DeviceConfig, config: BrokerConfig): boolean {
  return (
    entry.config.driver === next.driver &&
    entry.config.name === next.name &&
    entry.maxAgeMs === config.server.maxAgeMs &&
    entry.statePath === config.server.statePath
  )
}

/** A driver that cannot start: its device stays "lost" and the others go on. */
function driverFailure(config: DeviceConfig, error: unknown): NutshellError {
  return new NutshellError(
    'NS_DRIVER_FAILED',
    `driver ${config.driver} of ${config.name} failed to start: ${describeError(error)}`,
    { cause: error },
  )
}
