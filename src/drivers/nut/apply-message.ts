import type { Device } from '../../devices/device.ts'
import type { ValueKind } from '../../devices/variable.ts'
import type { DriverToServerMessage } from '../../protocol/driver-socket.ts'

/** Variable and command names a dump mentioned, so a resync can drop what vanished. */
export interface DumpSeen {
  variables: Set<string>
  commands: Set<string>
}

/**
 * Applies one state message from a NUT driver to the device, as upsd applies it to its
 * copy. Messages that are not about state (DUMPDONE, DATAOK, PONG, TRACKING, ...) are the
 * link's business and ignored here.
 */
export function applyStateMessage(
  device: Device,
  message: DriverToServerMessage,
  seen?: DumpSeen,
): void {
  switch (message.type) {
    case 'SETINFO':
      seen?.variables.add(message.name.toLowerCase())
      device.setValue(message.name, message.value)
      return
    case 'DELINFO':
      device.deleteVariable(message.name)
      return
    case 'ADDENUM':
      device.addEnum(message.name, message.value)
      return
    case 'DELENUM':
      device.deleteEnum(message.name, message.value)
      return
    case 'ADDRANGE':
      device.addRange(message.name, message.min, message.max)
      return
    case 'DELRANGE':
      device.deleteRange(message.name, message.min, message.max)
      return
    case 'SETAUX':
      device.setMaxLength(message.name, Math.max(0, message.aux))
      return
    case 'SETFLAGS':
      device.setFlags(message.name, flagsFromWords(message.flags))
      return
    case 'ADDCMD':
      seen?.commands.add(message.name.toLowerCase())
      device.addCommand(message.name)
      return
    case 'DELCMD':
      device.deleteCommand(message.name)
      return
    case 'DUMPDONE':
    case 'DATAOK':
    case 'DATASTALE':
    case 'PONG':
    case 'TRACKING':
    case 'PID':
    case 'OK':
      return
  }
}

/** SETFLAGS words (case-insensitive RW, STRING, NUMBER; others ignored, as upsd does). */
export function flagsFromWords(words: readonly string[]): { writable: boolean; kind: ValueKind } {
  const upper = new Set(words.map((w) => w.toUpperCase()))
  const kind: ValueKind = upper.has('STRING')
    ? 'string'
    : upper.has('NUMBER')
      ? 'number'
      : 'unspecified'
  return { writable: upper.has('RW'), kind }
}

/** After a resynchronising dump: forget what the driver no longer reports. */
export function dropUnseen(device: Device, seen: DumpSeen): void {
  for (const variable of device.listVariables()) {
    if (!seen.variables.has(variable.name.toLowerCase())) device.deleteVariable(variable.name)
  }
  for (const command of device.listCommands()) {
    if (!seen.commands.has(command.toLowerCase())) device.deleteCommand(command)
  }
}
