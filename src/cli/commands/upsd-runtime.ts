/**
 * What `nutshell upsd` runs: NUT's network server over devices fed by NUT drivers that
 * someone else started (upsdrvctl, NUT's service units). Every ups.conf section is
 * attached through its state socket `STATEPATH/<driver>-<ups>`, whatever the driver;
 * nothing is started. Reload re-reads the three files as upsd does (LISTEN excepted).
 */
import type { BrokerConfig, DeviceConfig } from '../../config/types.ts'
import { type Clock, systemClock } from '../../core/clock.ts'
import type { Logger } from '../../core/log.ts'
import { DeviceStore } from '../../devices/device-store.ts'
import type { DriverContext } from '../../drivers/driver.ts'
import { NutDriver } from '../../drivers/nut/nut-driver.ts'
import { createNutServer, type NutServer } from '../../server/nut-server.ts'

interface Attached {
  config: DeviceConfig
  driver: NutDriver
  maxAgeMs: number
  statePath: string
}

export class UpsdRuntime {
  readonly store = new DeviceStore()
  private readonly clock: Clock
  private readonly log: Logger
  private config: BrokerConfig
  private readonly attached = new Map<string, Attached>()
  private server: NutServer | undefined

  constructor(config: BrokerConfig, log: Logger, clock: Clock = systemClock) {
    this.config = config
    this.log = log
    this.clock = clock
  }

  async start(): Promise<void> {
    await this.syncDevices()
    this.server = createNutServer({
      store: this.store,
      server: this.config.server,
      users: this.config.users,
      clock: this.clock,
      log: this.log.child({ part: 'server' }),
    })
    await this.server.start()
  }

  addresses(): Array<{ host: string; port: number }> {
    return this.server?.addresses() ?? []
  }

  /** upsd's reload: new and removed UPSes, changed drivers, users, MAXAGE, STATEPATH. */
  async reload(config: BrokerConfig): Promise<void> {
    this.config = config
    this.server?.setUsers(config.users)
    await this.syncDevices()
    this.log.info({ devices: config.devices.length, users: config.users.length }, 'reloaded')
  }

  async stop(): Promise<void> {
    await this.server?.stop()
    for (const entry of this.attached.values()) await entry.driver.stop()
    this.attached.clear()
  }

  private context(): DriverContext {
    return {
      clock: this.clock,
      log: this.log,
      configDir: this.config.configDir,
      statePath: this.config.server.statePath,
      maxAgeMs: this.config.server.maxAgeMs,
      nutDrivers: { attachOnly: true },
    }
  }

  /** Brings the store and the attached links in line with the configuration. */
  private async syncDevices(): Promise<void> {
    const wanted = new Map(this.config.devices.map((d) => [d.name.toLowerCase(), d]))
    for (const [key, entry] of [...this.attached]) {
      const next = wanted.get(key)
      if (next !== undefined && this.unchanged(entry, next)) continue
      await entry.driver.stop()
      this.attached.delete(key)
      this.store.remove(entry.config.name)
    }
    const context = this.context()
    for (const config of this.config.devices) {
      const key = config.name.toLowerCase()
      const existing = this.attached.get(key)
      if (existing !== undefined) {
        const device = this.store.get(config.name)
        if (device !== undefined) device.description = config.description
        existing.config = config
        continue
      }
      const device = this.store.add(config.name, config.description)
      const driver = new NutDriver(config, device, context)
      this.attached.set(key, {
        config,
        driver,
        maxAgeMs: this.config.server.maxAgeMs,
        statePath: this.config.server.statePath,
      })
      await driver.start()
    }
  }

  private unchanged(entry: Attached, next: DeviceConfig): boolean {
    return (
      entry.config.driver === next.driver &&
      entry.config.name === next.name &&
      entry.maxAgeMs === this.config.server.maxAgeMs &&
      entry.statePath === this.config.server.statePath
    )
  }
}
