/** Starts the MQTT face (src/integrations/mqtt) when `integrations.mqtt` is configured. */
import { readFileSync } from 'node:fs'
import { resolveConfigPath } from '../../config/from-nut.ts'
import type { MqttConfig } from '../../config/schema/integrations-mqtt.ts'
import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/log.ts'
import { nutshellVersion } from '../../core/version.ts'
import type { DeviceStore } from '../../devices/device-store.ts'
import { MqttBridge } from '../../integrations/mqtt/bridge.ts'

export interface MqttFace {
  readonly bridge: MqttBridge
  stop(): Promise<void>
}

export function startMqttFace(context: {
  config: MqttConfig
  configDir: string
  store: DeviceStore
  clock: Clock
  log: Logger
}): MqttFace {
  const { config, configDir } = context
  const read = (file: string | undefined) =>
    file === undefined ? undefined : readFileSync(resolveConfigPath(configDir, file), 'utf8')
  const tls =
    config.tls === undefined
      ? undefined
      : {
          rejectUnauthorized: config.tls.rejectUnauthorized,
          ...(config.tls.caFile === undefined ? {} : { ca: read(config.tls.caFile) as string }),
          ...(config.tls.certFile === undefined
            ? {}
            : { cert: read(config.tls.certFile) as string }),
          ...(config.tls.keyFile === undefined ? {} : { key: read(config.tls.keyFile) as string }),
        }
  const bridge = new MqttBridge({
    url: config.url,
    prefix: config.prefix,
    site: config.site,
    clientId: config.clientId,
    username: config.username,
    password: config.password,
    tls,
    keepaliveMs: config.keepalive,
    reconnectMinMs: config.reconnect?.min ?? 1000,
    reconnectMaxMs: config.reconnect?.max ?? 60_000,
    discovery: {
      enabled: config.discovery?.enabled ?? true,
      prefix: config.discovery?.prefix ?? 'homeassistant',
    },
    allow: config.commands?.allow ?? [],
    stateQos: config.stateQos === 0 ? 0 : 1,
    store: context.store,
    clock: context.clock,
    log: context.log.child({ face: 'mqtt' }),
    version: nutshellVersion,
  })
  bridge.start()
  return { bridge, stop: () => bridge.stop() }
}
