/**
 * Which driver runs a device. `dummy-ups` is built in: it replays a data file, or mirrors
 * a remote upsd when its port is `ups@host[:port]` (or `mode = repeater`); `script` runs
 * a powerman device script (src/drivers/script). Every other
 * driver name is a NUT C driver: see `createExternalDriver`, the one place that decides how
 * those run.
 */
import type { DeviceConfig } from '../config/types.ts'
import type { Device } from '../devices/device.ts'
import type { Driver, DriverContext } from './driver.ts'
import { DummyDriver } from './dummy/dummy-driver.ts'
import { resolveMode } from './dummy/mode.ts'
import { LazyDriver } from './lazy-driver.ts'

/** Driver names nutshell runs itself. */
export const builtinDrivers = ['dummy-ups', 'apcupsd'] as const

export function createDriver(config: DeviceConfig, device: Device, context: DriverContext): Driver {
  if (config.driver === 'dummy-ups') {
    const { mode } = resolveMode(config.port, config.options['mode'])
    if (mode !== 'repeater') return new DummyDriver(config, device, context)
    return new LazyDriver(async () => {
      const { RepeaterDriver } = await import('./upstream/repeater-driver.ts')
      return new RepeaterDriver(config, device, context)
    })
  }
  if (config.driver === 'script')
    return new LazyDriver(async () => {
      const { ScriptDriver } = await import('./script/script-driver.ts')
      return new ScriptDriver(config, device, context)
    })
  if (config.driver === 'apcupsd') {
    // A real apcupsd's NIS (docs/integrations.md), not NUT's apcupsd-ups C driver.
    return new LazyDriver(async () => {
      const { ApcupsdDriver } = await import('./apcupsd/apcupsd-driver.ts')
      return new ApcupsdDriver(config, device, context)
    })
  }
  return createExternalDriver(config, device, context)
}

/**
 * NUT C drivers (usbhid-ups, snmp-ups, ...): started as upsdrvctl would (unless
 * `nutDrivers.attachOnly`), attached through their state socket (src/drivers/nut).
 */
function createExternalDriver(
  config: DeviceConfig,
  device: Device,
  context: DriverContext,
): Driver {
  return new LazyDriver(async () => {
    const { createNutDriver } = await import('./nut/factory.ts')
    return createNutDriver(config, device, context)
  })
}
