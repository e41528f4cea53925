/** Devices as the API shows them: summaries for the overview, full views for a device page. */
import type { Device } from '../../devices/device.ts'
import { withFsdPrefix } from '../../devices/status.ts'
import type { Descriptions } from '../../server/descriptions.ts'

export interface LastEvent {
  time: string
  text: string
}

function numberOf(device: Device, name: string): number | null {
  const value = device.getValue(name)
  if (value === undefined || value.trim() === '') return null
  const n = Number(value)
  return Number.isFinite(n) ? n : null
}

/** `ups.status` as upsd serves it: with FSD in front while the latch is set. */
export function servedStatus(device: Device): string {
  const status = device.getValue('ups.status') ?? ''
  return device.fsdLatched ? withFsdPrefix(status) : status
}

export function deviceSummary(device: Device, lastEvent: LastEvent | undefined) {
  return {
    name: device.name,
    ...(device.description === undefined ? {} : { description: device.description }),
    comm: device.commState,
    fsd: device.fsdLatched,
    status: servedStatus(device),
    charge: numberOf(device, 'battery.charge'),
    runtime: numberOf(device, 'battery.runtime'),
    load: numberOf(device, 'ups.load'),
    inputVoltage: numberOf(device, 'input.voltage'),
    ...(lastEvent === undefined ? {} : { lastEvent }),
  }
}

export function variableViews(device: Device, descriptions: Descriptions) {
  return device.listVariables().map((v) => {
    const description = descriptions.variable(v.name)
    return {
      name: v.name,
      value: v.name.toLowerCase() === 'ups.status' ? servedStatus(device) : v.value,
      ...(description === undefined ? {} : { description }),
      writable: v.writable,
      type: v.kind,
      maxLength: v.maxLength,
      enums: [...v.enums],
      ranges: v.ranges.map((r) => ({ ...r })),
    }
  })
}

export function commandViews(device: Device, descriptions: Descriptions) {
  return device.listCommands().map((name) => {
    const description = descriptions.command(name)
    return { name, ...(description === undefined ? {} : { description }) }
  })
}
