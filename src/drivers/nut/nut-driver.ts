import { basename, join } from 'node:path'
import type { DeviceConfig } from '../../config/types.ts'
import type { Device } from '../../devices/device.ts'
import type { Driver, DriverContext, DriverFactory } from '../driver.ts'
import { DriverProcess } from './driver-process.ts'
import { StateSocketLink } from './state-socket-link.ts'

/** Debian's (and NUT's usual) driver directory. */
export const defaultDriverPath = '/lib/nut'

/** The state socket a NUT driver creates: `STATEPATH/<driver program>-<ups>`. */
export function driverSocketPath(statePath: string, driver: string, ups: string): string {
  return join(statePath, `${basename(driver)}-${ups}`)
}

/**
 * A NUT C driver as a nutshell driver: unless attach-only, nutshell starts the binary
 * itself (as upsdrvctl does) and restarts it when it dies; in every case it attaches to
 * the driver's state socket as upsd does and keeps the device current from it.
 */
export class NutDriver implements Driver {
  readonly link: StateSocketLink
  readonly process: DriverProcess | undefined

  constructor(config: DeviceConfig, device: Device, context: DriverContext) {
    const settings = context.nutDrivers ?? {}
    const log = context.log.child({ driver: config.driver, ups: config.name })
    this.link = new StateSocketLink({
      device,
      socketPath: driverSocketPath(context.statePath, config.driver, config.name),
      clock: context.clock,
      log,
      maxAgeMs: context.maxAgeMs ?? 15_000,
    })
    device.attachController(this.link)
    if (settings.attachOnly === true) {
      this.process = undefined
    } else {
      const user = settings.user ?? config.options['user']
      this.process = new DriverProcess({
        program: join(settings.driverPath ?? defaultDriverPath, basename(config.driver)),
        ups: config.name,
        ...(user === undefined ? {} : { user }),
        confPath: context.configDir,
        statePath: context.statePath,
        clock: context.clock,
        log,
      })
    }
  }

  async start(): Promise<void> {
    this.process?.start()
    this.link.start()
  }

  async stop(): Promise<void> {
    await this.link.stop()
    await this.process?.stop()
  }
}

export const createNutDriver: DriverFactory = (config, device, context) =>
  new NutDriver(config, device, context)
