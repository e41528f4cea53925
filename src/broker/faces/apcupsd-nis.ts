/**
 * Wiring of apcupsd's NIS face (`integrations.apcupsd`, off by default): one listener per
 * configured device, as apcupsd serves one UPS per daemon.
 */
import type { IntegrationsConfig } from '../../config/schema/integrations.ts'
import type { Clock } from '../../core/clock.ts'
import { NutshellError } from '../../core/errors.ts'
import type { Logger } from '../../core/log.ts'
import { nutshellVersion } from '../../core/version.ts'
import type { DeviceStore } from '../../devices/device-store.ts'
import { NisServer, type NisStats } from '../../integrations/apcupsd-nis/nis-server.ts'

export interface ApcupsdFaceContext {
  settings: NonNullable<IntegrationsConfig['apcupsd']>
  store: DeviceStore
  clock: Clock
  log: Logger
  stats?: NisStats | undefined
}

export interface ApcupsdFace {
  /** Bound ports, in the order of the configured listeners. */
  ports: number[]
  stop(): Promise<void>
}

export async function startApcupsdFace(context: ApcupsdFaceContext): Promise<ApcupsdFace> {
  const { settings, store } = context
  const log = context.log.child({ face: 'apcupsd-nis' })
  const listeners = [...(settings.listeners ?? [])]
  if (settings.listen !== undefined) {
    const only = store.list()
    const device = settings.device ?? (only.length === 1 ? only[0]?.name : undefined)
    if (device === undefined)
      throw new NutshellError(
        'NS_CONFIG_INVALID',
        'integrations.apcupsd: name the device to serve (device: NAME); apcupsd serves one UPS per listener',
      )
    listeners.unshift({ listen: settings.listen, device })
  }
  const limits = settings.limits ?? {}
  const t = settings.thresholds ?? {}
  const servers: NisServer[] = []
  try {
    for (const entry of listeners) {
      if (store.get(entry.device) === undefined)
        throw new NutshellError(
          'NS_DEVICE_UNKNOWN',
          `integrations.apcupsd: no device '${entry.device}' (devices: ${store
            .list()
            .map((d) => d.name)
            .join(', ')})`,
        )
      const server = new NisServer({
        store,
        device: entry.device,
        host: entry.listen.host,
        port: entry.listen.port,
        clock: context.clock,
        log,
        version: nutshellVersion,
        limits: {
          ...(limits.maxConnections === undefined ? {} : { maxConnections: limits.maxConnections }),
          ...(limits.maxConnectionsPerAddress === undefined
            ? {}
            : { maxConnectionsPerAddress: limits.maxConnectionsPerAddress }),
          ...(limits.idleTimeout === undefined ? {} : { idleTimeoutMs: limits.idleTimeout }),
          ...(limits.maxRequestLength === undefined
            ? {}
            : { maxRequestLength: limits.maxRequestLength }),
        },
        thresholds: {
          ...(t.batteryLevel === undefined ? {} : { chargePercent: t.batteryLevel }),
          ...(t.minutes === undefined ? {} : { runtimeMinutes: t.minutes }),
          ...(t.timeout === undefined ? {} : { timeoutSeconds: t.timeout / 1000 }),
        },
        ...(context.stats === undefined ? {} : { stats: context.stats }),
      })
      await server.start()
      servers.push(server)
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()))
    throw error
  }
  return {
    ports: servers.map((s) => s.port),
    async stop() {
      await Promise.all(servers.map((s) => s.stop()))
    },
  }
}
