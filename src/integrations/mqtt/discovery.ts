/**
 * Home Assistant MQTT discovery for one device: the retained config messages that make
 * HA create its entities (sensors, binary sensors, buttons, outlet switches, numbers and
 * selects). Pure: it reads a device snapshot and returns topics and payloads. Each entity
 * reads the device's JSON state topic through a value_template, so one state message
 * updates every entity at once.
 */
import type { Variable } from '../../devices/variable.ts'
import type { TopicScheme } from './topics.ts'

export interface DiscoveryDevice {
  name: string
  description: string | undefined
  variables: readonly Readonly<Variable>[]
  commands: readonly string[]
}

export interface DiscoveryMessage {
  topic: string
  payload: Record<string, unknown>
}

interface SensorKind {
  deviceClass?: string
  unit?: string
  stateClass?: 'measurement'
  icon?: string
  precision?: number
  category?: 'diagnostic'
}

/** The standard NUT variables HA shows as sensors, with their device class and unit. */
export const standardSensors: Readonly<Record<string, SensorKind>> = {
  'battery.charge': { deviceClass: 'battery', unit: '%', stateClass: 'measurement', precision: 0 },
  'battery.runtime': { deviceClass: 'duration', unit: 's', stateClass: 'measurement' },
  'battery.voltage': { deviceClass: 'voltage', unit: 'V', stateClass: 'measurement' },
  'battery.temperature': { deviceClass: 'temperature', unit: '°C', stateClass: 'measurement' },
  'input.voltage': { deviceClass: 'voltage', unit: 'V', stateClass: 'measurement' },
  'input.frequency': { deviceClass: 'frequency', unit: 'Hz', stateClass: 'measurement' },
  'input.current': { deviceClass: 'current', unit: 'A', stateClass: 'measurement' },
  'output.voltage': { deviceClass: 'voltage', unit: 'V', stateClass: 'measurement' },
  'output.frequency': { deviceClass: 'frequency', unit: 'Hz', stateClass: 'measurement' },
  'output.current': { deviceClass: 'current', unit: 'A', stateClass: 'measurement' },
  'ups.load': { unit: '%', stateClass: 'measurement', icon: 'mdi:gauge' },
  'ups.realpower': { deviceClass: 'power', unit: 'W', stateClass: 'measurement' },
  'ups.power': { deviceClass: 'apparent_power', unit: 'VA', stateClass: 'measurement' },
  'ups.temperature': { deviceClass: 'temperature', unit: '°C', stateClass: 'measurement' },
  'ambient.temperature': { deviceClass: 'temperature', unit: '°C', stateClass: 'measurement' },
  'ambient.humidity': { deviceClass: 'humidity', unit: '%', stateClass: 'measurement' },
  'ups.status': { icon: 'mdi:power-plug' },
  'ups.alarm': { icon: 'mdi:alert' },
  'battery.charge.low': { deviceClass: 'battery', unit: '%', category: 'diagnostic' },
  'ups.beeper.status': { icon: 'mdi:volume-high', category: 'diagnostic' },
}

/** HA object ids allow `[a-zA-Z0-9_-]` only. */
export function objectId(...parts: string[]): string {
  return parts.join('_').replace(/[^a-zA-Z0-9_-]/g, '_')
}

/** A readable entity name from a NUT variable or command: `battery.charge` → "Battery charge". */
export function entityName(name: string): string {
  const words = name.replace(/[._]/g, ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** Jinja that reads a dotted key of the JSON state (`value_json.battery.charge` would not). */
const field = (name: string) => `value_json[${JSON.stringify(name).replace(/"/g, "'")}]`

export function discoveryMessages(options: {
  scheme: TopicScheme
  site: string
  discoveryPrefix: string
  version: string
  device: DiscoveryDevice
}): DiscoveryMessage[] {
  const { scheme, site, discoveryPrefix, device } = options
  const deviceId = objectId('nutshell', site, device.name)
  const value = (name: string) => device.variables.find((v) => v.name.toLowerCase() === name)?.value
  const deviceInfo: Record<string, unknown> = { identifiers: [deviceId], name: device.name }
  const extras: Array<[string, string]> = [
    ['manufacturer', 'device.mfr'],
    ['model', 'device.model'],
    ['serial_number', 'device.serial'],
    ['sw_version', 'ups.firmware'],
  ]
  for (const [key, variable] of extras) {
    const v = value(variable) ?? value(variable.replace('device.', 'ups.'))
    if (v !== undefined && v !== '') deviceInfo[key] = v
  }
  const common = {
    availability: [{ topic: scheme.bridgeStatus }, { topic: scheme.availability(device.name) }],
    availability_mode: 'all',
    device: deviceInfo,
    origin: { name: 'nutshell', sw_version: options.version },
  }
  const state = scheme.state(device.name)
  const out: DiscoveryMessage[] = []
  const add = (component: string, id: string, payload: Record<string, unknown>) => {
    const uniqueId = objectId(deviceId, id)
    out.push({
      topic: `${discoveryPrefix}/${component}/${uniqueId}/config`,
      payload: { unique_id: uniqueId, object_id: uniqueId, ...payload, ...common },
    })
  }

  const names = new Set(device.variables.map((v) => v.name.toLowerCase()))
  for (const variable of device.variables) {
    const key = variable.name.toLowerCase()
    const kind = standardSensors[key]
    if (kind === undefined) continue
    add('sensor', key, {
      name: entityName(key),
      state_topic: state,
      value_template: `{{ ${field(key)} }}`,
      ...(kind.deviceClass === undefined ? {} : { device_class: kind.deviceClass }),
      ...(kind.unit === undefined ? {} : { unit_of_measurement: kind.unit }),
      ...(kind.stateClass === undefined ? {} : { state_class: kind.stateClass }),
      ...(kind.precision === undefined ? {} : { suggested_display_precision: kind.precision }),
      ...(kind.icon === undefined ? {} : { icon: kind.icon }),
      ...(kind.category === undefined ? {} : { entity_category: kind.category }),
    })
  }
  if (names.has('ups.status')) {
    const flag = (word: string) =>
      `{{ 'ON' if '${word}' in ${field('ups.status')}.split() else 'OFF' }}`
    // No device_class: `power` means "on = power present", the opposite of on battery.
    add('binary_sensor', 'on_battery', {
      name: 'On battery',
      state_topic: state,
      value_template: flag('OB'),
      payload_on: 'ON',
      payload_off: 'OFF',
      icon: 'mdi:battery-alert',
    })
    // `battery`: on means low.
    add('binary_sensor', 'low_battery', {
      name: 'Low battery',
      state_topic: state,
      value_template: flag('LB'),
      payload_on: 'ON',
      payload_off: 'OFF',
      device_class: 'battery',
    })
  }

  const commands = new Set(device.commands.map((c) => c.toLowerCase()))
  const outletCommand = /^outlet\.([^.]+)\.load\.(on|off)$/
  for (const command of device.commands) {
    const match = outletCommand.exec(command.toLowerCase())
    if (match !== null && names.has(`outlet.${match[1]}.status`)) continue
    add('button', `cmd_${command.toLowerCase()}`, {
      name: entityName(command),
      command_topic: scheme.command(device.name, command),
      payload_press: 'PRESS',
      entity_category: 'config',
      ...(command.toLowerCase().endsWith('.restart') || command.toLowerCase() === 'shutdown.reboot'
        ? { device_class: 'restart' }
        : {}),
    })
  }
  for (const key of names) {
    const match = /^outlet\.([^.]+)\.status$/.exec(key)
    if (match?.[1] === undefined) continue
    const outlet = match[1]
    if (!commands.has(`outlet.${outlet}.load.on`) || !commands.has(`outlet.${outlet}.load.off`))
      continue
    const label = value(`outlet.${outlet}.desc`)
    add('switch', `outlet_${outlet}`, {
      name: label !== undefined && label !== '' ? label : `Outlet ${outlet}`,
      device_class: 'outlet',
      state_topic: state,
      value_template: `{{ ${field(key)} }}`,
      state_on: 'on',
      state_off: 'off',
      command_topic: scheme.outletSet(device.name, outlet),
      payload_on: 'ON',
      payload_off: 'OFF',
    })
  }

  for (const variable of device.variables) {
    if (!variable.writable) continue
    const key = variable.name.toLowerCase()
    if (variable.enums.length > 0) {
      add('select', `set_${key}`, {
        name: `${entityName(key)} setting`,
        command_topic: scheme.set(device.name, variable.name),
        state_topic: state,
        value_template: `{{ ${field(key)} }}`,
        options: [...variable.enums],
        entity_category: 'config',
      })
    } else if (variable.ranges.length > 0) {
      const unit = standardSensors[key]?.unit
      add('number', `set_${key}`, {
        name: `${entityName(key)} setting`,
        command_topic: scheme.set(device.name, variable.name),
        state_topic: state,
        value_template: `{{ ${field(key)} }}`,
        min: Math.min(...variable.ranges.map((r) => r.min)),
        max: Math.max(...variable.ranges.map((r) => r.max)),
        step: 1,
        mode: 'box',
        ...(unit === undefined ? {} : { unit_of_measurement: unit }),
        entity_category: 'config',
      })
    }
  }
  return out
}

/** The JSON state: numbers where the text is one, so HA's templates compare them. */
export function stateJson(variables: readonly Readonly<Variable>[]): string {
  const state: Record<string, string | number> = {}
  for (const variable of variables) {
    // A canonical decimal only: a serial number `0012` stays text.
    state[variable.name] = /^-?(?:0|[1-9]\d{0,14})(?:\.\d{1,15})?$/.test(variable.value)
      ? Number(variable.value)
      : variable.value
  }
  return JSON.stringify(state)
}
