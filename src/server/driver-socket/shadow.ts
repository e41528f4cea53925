import type { Device, DeviceChange } from '../../devices/device.ts'
import { copyVariable, type Variable } from '../../devices/variable.ts'
import type { DriverToServerMessage } from '../../protocol/driver-socket.ts'
import { flagWords } from './dump.ts'

/**
 * What the connected upsd instances were last told about a device, so that each store
 * event becomes the few incremental messages a NUT driver would broadcast (a changed
 * enum list becomes ADDENUM/DELENUM, not a new dump).
 */
export class DeviceShadow {
  private readonly device: Device
  private readonly variables = new Map<string, Variable>()
  private commands = new Set<string>()
  private fresh: boolean

  constructor(device: Device) {
    this.device = device
    for (const variable of device.listVariables()) {
      this.variables.set(variable.name.toLowerCase(), copyVariable(variable))
    }
    this.commands = new Set(device.listCommands())
    this.fresh = device.commState === 'ok'
  }

  /** The messages that bring a driver-socket client from the old state to the new one. */
  update(change: DeviceChange): DriverToServerMessage[] {
    switch (change.kind) {
      case 'variable':
        return this.variableChanged(change.name)
      case 'variable-removed': {
        this.variables.delete(change.name.toLowerCase())
        return [{ type: 'DELINFO', name: change.name }]
      }
      case 'metadata':
        return this.variableChanged(change.name)
      case 'commands':
        return this.commandsChanged()
      case 'comm': {
        const fresh = change.state === 'ok'
        if (fresh === this.fresh) return []
        this.fresh = fresh
        return [{ type: fresh ? 'DATAOK' : 'DATASTALE' }]
      }
      case 'fsd':
      case 'device-added':
      case 'device-removed':
      case 'batch-end':
        return []
    }
  }

  private variableChanged(name: string): DriverToServerMessage[] {
    const key = name.toLowerCase()
    const current = this.device.getVariable(name)
    const old = this.variables.get(key)
    if (current === undefined) {
      if (old === undefined) return []
      this.variables.delete(key)
      return [{ type: 'DELINFO', name: old.name }]
    }
    this.variables.set(key, copyVariable(current))
    const messages: DriverToServerMessage[] = []
    const n = current.name
    if (old === undefined || old.value !== current.value) {
      messages.push({ type: 'SETINFO', name: n, value: current.value })
    }
    const oldEnums = old?.enums ?? []
    for (const value of oldEnums) {
      if (!current.enums.includes(value)) messages.push({ type: 'DELENUM', name: n, value })
    }
    for (const value of current.enums) {
      if (!oldEnums.includes(value)) messages.push({ type: 'ADDENUM', name: n, value })
    }
    const oldRanges = old?.ranges ?? []
    const has = (list: Variable['ranges'], r: { min: number; max: number }): boolean =>
      list.some((x) => x.min === r.min && x.max === r.max)
    for (const r of oldRanges) {
      if (!has(current.ranges, r)) messages.push({ type: 'DELRANGE', name: n, ...r })
    }
    for (const r of current.ranges) {
      if (!has(oldRanges, r)) messages.push({ type: 'ADDRANGE', name: n, ...r })
    }
    if ((old?.maxLength ?? 0) !== current.maxLength) {
      messages.push({ type: 'SETAUX', name: n, aux: current.maxLength })
    }
    const oldFlags = old === undefined ? '' : flagWords(old).join(' ')
    const flags = flagWords(current)
    if (oldFlags !== flags.join(' ')) messages.push({ type: 'SETFLAGS', name: n, flags })
    return messages
  }

  private commandsChanged(): DriverToServerMessage[] {
    const now = new Set(this.device.listCommands())
    const messages: DriverToServerMessage[] = []
    for (const name of this.commands) if (!now.has(name)) messages.push({ type: 'DELCMD', name })
    for (const name of now) if (!this.commands.has(name)) messages.push({ type: 'ADDCMD', name })
    this.commands = now
    return messages
  }
}
