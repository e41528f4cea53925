import { NutshellError } from '../core/errors.ts'
import { TypedEmitter } from '../core/typed-emitter.ts'
import type { CommandSettled } from './command-result.ts'
import { Device, type DeviceChange } from './device.ts'

export interface StoreEvents extends Record<string, unknown> {
  change: DeviceChange
  /** A SET or instant command settled (any face: NUT, web, MQTT, rules, driver sockets). */
  command: CommandSettled
}

/**
 * The single source of truth for device state. Drivers write into its devices; faces
 * (servers, monitor, rules, web) read them and subscribe to `change`. Devices keep the
 * order they were added in (upsd lists UPSes in ups.conf order); names are unique
 * without regard to case.
 */
export class DeviceStore {
  readonly events = new TypedEmitter<StoreEvents>()
  private readonly devices = new Map<string, Device>()

  add(name: string, description?: string): Device {
    const key = name.toLowerCase()
    // The configuration readers refuse a repeated name, so this is a bug, not a mistake.
    if (this.devices.has(key))
      throw new NutshellError('NS_INTERNAL', `device ${name} already exists`)
    const device = new Device(
      name,
      description,
      (change) => this.events.emit('change', change),
      (result) => this.events.emit('command', result),
    )
    this.devices.set(key, device)
    this.events.emit('change', { kind: 'device-added', device: name })
    return device
  }

  remove(name: string): void {
    const device = this.devices.get(name.toLowerCase())
    if (device === undefined) return
    this.devices.delete(name.toLowerCase())
    this.events.emit('change', { kind: 'device-removed', device: device.name })
  }

  get(name: string): Device | undefined {
    return this.devices.get(name.toLowerCase())
  }

  list(): Device[] {
    return [...this.devices.values()]
  }

  onChange(listener: (change: DeviceChange) => void): () => void {
    return this.events.on('change', listener)
  }

  onCommandSettled(listener: (result: CommandSettled) => void): () => void {
    return this.events.on('command', listener)
  }
}
