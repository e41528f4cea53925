import { readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { DeviceConfig } from '../../config/types.ts'
import { bindOnce } from '../../core/log.ts'
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
  private readonly pidFile: string

  constructor(config: DeviceConfig, device: Device, context: DriverContext) {
    const settings = context.nutDrivers ?? {}
    const log = bindOnce(context.log, { device: config.name }).child({ driver: config.driver })
    this.link = new StateSocketLink({
      device,
      socketPath: driverSocketPath(context.statePath, config.driver, config.name),
      clock: context.clock,
      log,
      maxAgeMs: context.maxAgeMs ?? 15_000,
      // A driver someone else started (upsdrvctl) and that died is ours to restart.
      onDisconnect: () => this.process?.start(),
    })
    const pidDir = process.env['NUT_ALTPIDPATH'] || context.statePath
    this.pidFile = join(pidDir, `${basename(config.driver)}-${config.name}.pid`)
    device.attachController(this.link)
    if (settings.attachOnly === true) {
      this.process = undefined
    } else {
      // The section's own user wins over the global one, as the driver itself reads ups.conf.
      const user = config.options['user'] ?? settings.user
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
    // Already running under upsdrvctl (its PID file names a live process): attach only,
    // rather than start a second instance that would kill the first.
    if (!(await isRunning(this.pidFile))) this.process?.start()
    this.link.start()
  }

  async stop(): Promise<void> {
    await this.link.stop()
    await this.process?.stop()
  }
}

async function isRunning(pidFile: string): Promise<boolean> {
  try {
    const pid = Number.parseInt((await readFile(pidFile, 'utf8')).trim(), 10)
    if (!Number.isSafeInteger(pid) || pid <= 1) return false
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export const createNutDriver: DriverFactory = (config, device, context) =>
  new NutDriver(config, device, context)
