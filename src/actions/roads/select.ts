/**
 * Builds the configured power road (`monitor.powerRoad`, docs/privilege.md "Power roads").
 * `command` stays the in-process CommandPowerRoad; the others are opened here, while the
 * process may still be privileged: initctl's FIFO descriptor must be opened before any
 * privilege is dropped, logind's delay lock is taken at start.
 */
import { existsSync } from 'node:fs'
import type { PowerRoadConfig } from '../../config/schema/power-road.ts'
import { defaultHelperSocketPath } from '../../config/schema/power-road.ts'
import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/log.ts'
import type { PowerRoad } from '../power-road.ts'

export interface OpenedRoad {
  road: PowerRoad
  close(): Promise<void>
}

export interface OpenRoadOptions {
  log: Logger
  clock: Clock
  powerDownFlag?: string | undefined
  /** For tests: the bus logind is on. */
  busAddress?: string | undefined
}

/** /run/initctl when it exists, else /dev/initctl (sysvinit before 2.89). */
export function defaultInitctlPath(): string {
  return existsSync('/run/initctl') ? '/run/initctl' : '/dev/initctl'
}

/** Opens a non-command road; `command` is built by the monitor itself (undefined here). */
export async function openPowerRoad(
  config: PowerRoadConfig,
  options: OpenRoadOptions,
): Promise<OpenedRoad | undefined> {
  const { log, clock } = options
  switch (config.road) {
    case 'command':
      return undefined
    case 'logind': {
      const { LogindPowerRoad } = await import('./logind.ts')
      const road = new LogindPowerRoad({
        log,
        clock,
        busAddress: options.busAddress,
        powerDownFlag: options.powerDownFlag,
        ...('inhibit' in config && config.inhibit !== undefined ? { inhibit: config.inhibit } : {}),
        ...('hybridSleep' in config && config.hybridSleep !== undefined
          ? { hybridSleep: config.hybridSleep }
          : {}),
      })
      await road.start()
      return { road, close: () => road.stop() }
    }
    case 'initctl': {
      const { InitctlPowerRoad } = await import('./initctl.ts')
      const road = new InitctlPowerRoad({
        log,
        path: ('path' in config ? config.path : undefined) ?? defaultInitctlPath(),
        powerDownFlag: options.powerDownFlag,
        ...('sleepTime' in config && config.sleepTime !== undefined
          ? { sleepTime: config.sleepTime }
          : {}),
      })
      // A failure is logged and retried at shutdown (which reports again if it still fails).
      await road.open()
      return { road, close: () => road.close() }
    }
    case 'helper-socket': {
      const { HelperSocketPowerRoad } = await import('./helper-socket.ts')
      const road = new HelperSocketPowerRoad({
        log,
        clock,
        path: ('path' in config ? config.path : undefined) ?? defaultHelperSocketPath,
      })
      return { road, close: async () => {} }
    }
  }
}
