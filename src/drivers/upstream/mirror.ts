/**
 * Copies what a remote upsd serves for one UPS into a local device: values, and for each
 * variable the metadata `GET TYPE`, `LIST ENUM` and `LIST RANGE` give (RW, STRING:n or
 * NUMBER, enumerated values, ranges); the instant commands of `LIST CMD`. Variables and
 * commands the remote no longer has are removed. Pure apart from writing into the device.
 */
import type { Device } from '../../devices/device.ts'

export interface RemoteType {
  rw: boolean
  kind: 'string' | 'number' | 'unknown'
  maxLength?: number
}

export interface RemoteVariable {
  name: string
  value: string
  /** Undefined: not fetched this time; the local metadata is kept. */
  type?: RemoteType
  enums?: string[]
  ranges?: Array<{ min: number; max: number }>
}

export interface RemoteSnapshot {
  variables: RemoteVariable[]
  commands: string[]
}

/** True for names the mirror leaves alone (the repeater's own `driver.*`). */
export type Reserved = (name: string) => boolean

export function applySnapshot(device: Device, snapshot: RemoteSnapshot, reserved: Reserved): void {
  const seen = new Set<string>()
  for (const remote of snapshot.variables) {
    if (reserved(remote.name)) continue
    seen.add(remote.name.toLowerCase())
    device.setValue(remote.name, remote.value)
    if (remote.type !== undefined) applyType(device, remote.name, remote.type)
    if (remote.enums !== undefined) syncEnums(device, remote.name, remote.enums)
    if (remote.ranges !== undefined) syncRanges(device, remote.name, remote.ranges)
  }
  for (const local of device.listVariables()) {
    if (!reserved(local.name) && !seen.has(local.name.toLowerCase()))
      device.deleteVariable(local.name)
  }
  const commands = new Set(snapshot.commands.map((c) => c.toLowerCase()))
  for (const command of snapshot.commands) device.addCommand(command)
  for (const command of device.listCommands()) {
    if (!commands.has(command.toLowerCase())) device.deleteCommand(command)
  }
}

function applyType(device: Device, name: string, type: RemoteType): void {
  // upsd answers NUMBER for every variable that is not a STRING, flagged or not.
  const kind = type.kind === 'string' ? 'string' : 'unspecified'
  device.setFlags(name, { writable: type.rw, kind })
  device.setMaxLength(name, type.kind === 'string' ? (type.maxLength ?? 0) : 0)
}

function syncEnums(device: Device, name: string, wanted: string[]): void {
  const current = device.getVariable(name)?.enums ?? []
  if (current.length === wanted.length && current.every((v, i) => v === wanted[i])) return
  for (const value of [...current]) device.deleteEnum(name, value)
  for (const value of wanted) device.addEnum(name, value)
}

function syncRanges(
  device: Device,
  name: string,
  wanted: Array<{ min: number; max: number }>,
): void {
  const current = device.getVariable(name)?.ranges ?? []
  const same =
    current.length === wanted.length &&
    current.every((r, i) => r.min === wanted[i]?.min && r.max === wanted[i]?.max)
  if (same) return
  for (const range of [...current]) device.deleteRange(name, range.min, range.max)
  for (const range of wanted) device.addRange(name, range.min, range.max)
}
