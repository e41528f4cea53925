/**
 * The MQTT face: pushes the store's changes to a broker as they happen (no polling),
 * keeps Home Assistant's discovery configs in step with each device, and takes commands
 * from MQTT through the store's command path, within a configured allow-list.
 *
 * What the broker holds is always whole: on every (re)connect, and whenever Home
 * Assistant announces itself on `<discovery>/status`, everything is published again.
 * While disconnected nothing is queued: the next connect republishes the current state,
 * which is what retained topics should hold, not a backlog of old values.
 */
import { randomBytes } from 'node:crypto'
import { connect, type IClientOptions, type MqttClient } from 'mqtt'
import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/log.ts'
import type { CommandOutcome } from '../../devices/command-result.ts'
import type { Device, DeviceChange } from '../../devices/device.ts'
import type { DeviceStore } from '../../devices/device-store.ts'
import { validateSet } from '../../devices/set-validation.ts'
import { discoveryMessages, stateJson } from './discovery.ts'
import {
  commandAllowed,
  parseRequestTopic,
  type TopicRequest,
  type TopicScheme,
  topicLevel,
  topicScheme,
} from './topics.ts'

export interface MqttBridgeOptions {
  url: string
  prefix: string
  site: string
  clientId?: string | undefined
  username?: string | undefined
  password?: string | undefined
  /** PEM texts, already read. */
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean } | undefined
  keepaliveMs: number
  reconnectMinMs: number
  reconnectMaxMs: number
  discovery: { enabled: boolean; prefix: string }
  allow: readonly string[]
  stateQos: 0 | 1
  store: DeviceStore
  clock: Clock
  log: Logger
  version: string
}

/** What a command over MQTT ended with; published on `<device>/result`. */
export interface MqttCommandResult {
  device: string
  request: 'instcmd' | 'set'
  name: string
  value?: string
  /** NUT's tracking words, or the refusal (`ERR ACCESS-DENIED`, `ERR READONLY`, ...). */
  outcome: CommandOutcome | `ERR ${string}`
  time: string
}

export class MqttBridge {
  readonly scheme: TopicScheme
  private readonly options: MqttBridgeOptions
  private client: MqttClient | undefined
  private unsubscribe: (() => void) | undefined
  /** Discovery config topics published per device (lower-case name), to retract later. */
  private readonly published = new Map<string, Set<string>>()
  private readonly dirtyState = new Set<string>()
  private readonly dirtyDiscovery = new Set<string>()
  private flushQueued = false
  private connects = 0

  constructor(options: MqttBridgeOptions) {
    this.options = options
    this.scheme = topicScheme(options.prefix, options.site)
  }

  /** How many times the bridge has connected (tests watch reconnects). */
  get connectCount(): number {
    return this.connects
  }

  get connected(): boolean {
    return this.client?.connected ?? false
  }

  start(): void {
    const o = this.options
    const clientOptions: IClientOptions = {
      clientId: o.clientId ?? `nutshell-${topicLevel(o.site)}-${randomBytes(4).toString('hex')}`,
      keepalive: Math.round(o.keepaliveMs / 1000),
      reconnectPeriod: o.reconnectMinMs,
      connectTimeout: 10_000,
      clean: true,
      // Nothing queued while offline: a reconnect republishes the present (see above).
      queueQoSZero: false,
      will: {
        topic: this.scheme.bridgeStatus,
        payload: Buffer.from('offline'),
        qos: 1,
        retain: true,
      },
      ...(o.username === undefined ? {} : { username: o.username }),
      ...(o.password === undefined ? {} : { password: o.password }),
      ...(o.tls === undefined
        ? {}
        : {
            rejectUnauthorized: o.tls.rejectUnauthorized,
            ...(o.tls.ca === undefined ? {} : { ca: o.tls.ca }),
            ...(o.tls.cert === undefined ? {} : { cert: o.tls.cert }),
            ...(o.tls.key === undefined ? {} : { key: o.tls.key }),
          }),
    }
    const client = connect(o.url, clientOptions)
    this.client = client
    client.on('connect', () => {
      this.connects++
      clientOptions.reconnectPeriod = o.reconnectMinMs
      client.options.reconnectPeriod = o.reconnectMinMs
      o.log.info({ url: o.url, base: this.scheme.base, connects: this.connects }, 'MQTT connected')
      void this.onConnect(client)
    })
    client.on('close', () => {
      // Backoff: each failed attempt doubles the wait, up to the maximum.
      const next = Math.min(
        o.reconnectMaxMs,
        Math.max(o.reconnectMinMs, (client.options.reconnectPeriod ?? 0) * 2),
      )
      if (this.connects > 0 || next !== o.reconnectMinMs)
        o.log.debug({ retryInMs: client.options.reconnectPeriod }, 'MQTT connection closed')
      client.options.reconnectPeriod = next
    })
    client.on('error', (error) => o.log.warn({ err: error, url: o.url }, 'MQTT error'))
    client.on('message', (topic, payload) => this.onMessage(topic, payload.toString('utf8')))
    this.unsubscribe = o.store.onChange((change) => this.onChange(change))
  }

  async stop(): Promise<void> {
    this.unsubscribe?.()
    const client = this.client
    if (client === undefined) return
    // A clean DISCONNECT does not fire the will: say offline ourselves first.
    if (client.connected) {
      await client
        .publishAsync(this.scheme.bridgeStatus, 'offline', { qos: 1, retain: true })
        .catch(() => undefined)
    }
    await client.endAsync(!client.connected).catch(() => undefined)
  }

  private async onConnect(client: MqttClient): Promise<void> {
    const { discovery } = this.options
    const filters = this.scheme.requestFilters()
    if (discovery.enabled) filters.push(`${discovery.prefix}/status`)
    try {
      await client.subscribeAsync(filters, { qos: 1 })
      await client.publishAsync(this.scheme.bridgeStatus, 'online', { qos: 1, retain: true })
      for (const device of this.options.store.list()) await this.publishDevice(device)
    } catch (error) {
      this.options.log.warn({ err: error }, 'MQTT publish after connect failed')
    }
  }

  /** Everything about one device: availability, discovery, state, each variable. */
  private async publishDevice(device: Device): Promise<void> {
    await this.publishAvailability(device)
    await this.publishDiscovery(device)
    await this.publishState(device)
    for (const variable of device.listVariables())
      await this.publish(this.scheme.variable(device.name, variable.name), variable.value)
  }

  private publish(topic: string, payload: string, retain = true): Promise<unknown> {
    const client = this.client
    if (client === undefined || !client.connected) return Promise.resolve()
    return client
      .publishAsync(topic, payload, { qos: this.options.stateQos, retain })
      .catch((error: unknown) =>
        this.options.log.debug({ err: error, topic }, 'MQTT publish failed'),
      )
  }

  private publishAvailability(device: Device): Promise<unknown> {
    const online = device.commState !== 'lost'
    return this.publish(this.scheme.availability(device.name), online ? 'online' : 'offline')
  }

  private publishState(device: Device): Promise<unknown> {
    return this.publish(this.scheme.state(device.name), stateJson(device.listVariables()))
  }

  private async publishDiscovery(device: Device): Promise<void> {
    const { discovery } = this.options
    if (!discovery.enabled) return
    const snapshot = device.snapshot()
    const messages = discoveryMessages({
      scheme: this.scheme,
      site: this.options.site,
      discoveryPrefix: discovery.prefix,
      version: this.options.version,
      device: snapshot,
    })
    const key = device.name.toLowerCase()
    const before = this.published.get(key) ?? new Set<string>()
    const now = new Set(messages.map((m) => m.topic))
    for (const message of messages)
      await this.publish(message.topic, JSON.stringify(message.payload))
    // An entity that is gone (a command the driver dropped): an empty retained config deletes it.
    for (const topic of before) if (!now.has(topic)) await this.publish(topic, '')
    this.published.set(key, now)
  }

  private async retractDevice(name: string): Promise<void> {
    const key = name.toLowerCase()
    for (const topic of this.published.get(key) ?? []) await this.publish(topic, '')
    this.published.delete(key)
    await this.publish(this.scheme.availability(name), 'offline')
    await this.publish(this.scheme.state(name), '')
  }

  private onChange(change: DeviceChange): void {
    const device = this.options.store.get(change.device)
    switch (change.kind) {
      case 'variable':
        void this.publish(this.scheme.variable(change.device, change.name), change.value)
        this.dirtyState.add(change.device)
        if (change.previous === undefined) this.dirtyDiscovery.add(change.device)
        break
      case 'variable-removed':
        void this.publish(this.scheme.variable(change.device, change.name), '')
        this.dirtyState.add(change.device)
        this.dirtyDiscovery.add(change.device)
        break
      case 'metadata':
      case 'commands':
        this.dirtyDiscovery.add(change.device)
        break
      case 'comm':
        if (device !== undefined) void this.publishAvailability(device)
        return
      case 'device-added':
        if (device !== undefined) void this.publishDevice(device)
        return
      case 'device-removed':
        void this.retractDevice(change.device)
        return
      case 'batch-end':
        break
      case 'fsd':
        return
    }
    // A driver's burst is one state message: wait for its batch-end (or the end of this
    // turn of the event loop when the change came alone).
    if (device?.inBatch === true) return
    if (this.flushQueued) return
    this.flushQueued = true
    queueMicrotask(() => this.flush())
  }

  private flush(): void {
    this.flushQueued = false
    const store = this.options.store
    for (const name of this.dirtyState) {
      const device = store.get(name)
      if (device !== undefined) void this.publishState(device)
    }
    this.dirtyState.clear()
    for (const name of this.dirtyDiscovery) {
      const device = store.get(name)
      if (device !== undefined) void this.publishDiscovery(device)
    }
    this.dirtyDiscovery.clear()
  }

  private onMessage(topic: string, payload: string): void {
    const { discovery } = this.options
    if (discovery.enabled && topic === `${discovery.prefix}/status`) {
      if (payload === 'online') {
        this.options.log.info('Home Assistant came online: republishing discovery and state')
        for (const device of this.options.store.list()) void this.publishDevice(device)
      }
      return
    }
    const request = parseRequestTopic(this.scheme, topic)
    if (request === undefined) return
    void this.handle(request, payload)
  }

  private async handle(request: TopicRequest, payload: string): Promise<void> {
    const device = this.options.store.list().find((d) => topicLevel(d.name) === request.device)
    if (device === undefined) {
      this.options.log.warn({ topic: request.device }, 'MQTT command for an unknown device')
      return
    }
    let kind: 'instcmd' | 'set'
    let name: string
    let value: string | undefined
    switch (request.kind) {
      case 'instcmd':
        kind = 'instcmd'
        name = device.listCommands().find((c) => topicLevel(c) === request.name) ?? request.name
        value = payload === '' || payload.toUpperCase() === 'PRESS' ? undefined : payload
        break
      case 'set':
        kind = 'set'
        name =
          device.listVariables().find((v) => topicLevel(v.name) === request.name)?.name ??
          request.name
        value = payload
        break
      case 'outlet': {
        kind = 'instcmd'
        const word = payload.trim().toUpperCase()
        const action = word === 'ON' ? 'on' : word === 'OFF' ? 'off' : undefined
        name = `outlet.${request.outlet}.load.${action ?? payload}`
        if (action === undefined) {
          await this.result(device, kind, name, undefined, 'ERR INVALID-ARGUMENT')
          return
        }
        break
      }
    }
    const where = { device: device.name, request: kind, name }
    if (!commandAllowed(this.options.allow, device.name, name)) {
      this.options.log.warn(where, 'MQTT command refused: not in integrations.mqtt.commands.allow')
      await this.result(device, kind, name, value, 'ERR ACCESS-DENIED')
      return
    }
    let outcome: MqttCommandResult['outcome']
    if (kind === 'instcmd') {
      outcome = device.hasCommand(name)
        ? await device.requestInstantCommand(name, value)
        : 'ERR CMD-NOT-SUPPORTED'
    } else {
      const refusal = validateSet(device, name, value ?? '')
      outcome =
        refusal === undefined ? await device.requestSet(name, value ?? '') : `ERR ${refusal}`
    }
    this.options.log.info({ ...where, outcome }, 'MQTT command')
    await this.result(device, kind, name, value, outcome)
  }

  private async result(
    device: Device,
    request: 'instcmd' | 'set',
    name: string,
    value: string | undefined,
    outcome: MqttCommandResult['outcome'],
  ): Promise<void> {
    const result: MqttCommandResult = {
      device: device.name,
      request,
      name,
      ...(value === undefined ? {} : { value }),
      outcome,
      time: new Date(this.options.clock.wallNow()).toISOString(),
    }
    const client = this.client
    if (client === undefined || !client.connected) return
    await client
      .publishAsync(this.scheme.result(device.name), JSON.stringify(result), {
        qos: 1,
        retain: false,
      })
      .catch((error: unknown) => this.options.log.warn({ err: error }, 'MQTT result not published'))
  }
}
