import type { Device } from '../../devices/device.ts'
import type { Variable } from '../../devices/variable.ts'
import type { DriverToServerMessage } from '../../protocol/driver-socket.ts'

/** SETFLAGS words for a variable, in the order NUT's drivers send them: RW STRING NUMBER. */
export function flagWords(variable: Readonly<Variable>): string[] {
  const words: string[] = []
  if (variable.writable) words.push('RW')
  if (variable.kind === 'string') words.push('STRING')
  if (variable.kind === 'number') words.push('NUMBER')
  return words
}

/** The messages describing one variable completely (as a DUMPALL lists it). */
export function variableMessages(variable: Readonly<Variable>): DriverToServerMessage[] {
  const { name } = variable
  const messages: DriverToServerMessage[] = [{ type: 'SETINFO', name, value: variable.value }]
  for (const value of variable.enums) messages.push({ type: 'ADDENUM', name, value })
  for (const r of variable.ranges) messages.push({ type: 'ADDRANGE', name, min: r.min, max: r.max })
  if (variable.maxLength !== 0) messages.push({ type: 'SETAUX', name, aux: variable.maxLength })
  const flags = flagWords(variable)
  if (flags.length > 0) messages.push({ type: 'SETFLAGS', name, flags })
  return messages
}

/**
 * A NUT driver's answer to DUMPALL: DATASTALE first when the data is not fresh; every
 * variable in ascending case-insensitive order with its enums, ranges, aux and flags; every
 * command (sorted); DATAOK when fresh; DUMPDONE.
 */
export function dumpMessages(device: Device): DriverToServerMessage[] {
  const fresh = device.commState === 'ok'
  const messages: DriverToServerMessage[] = fresh ? [] : [{ type: 'DATASTALE' }]
  for (const variable of device.listVariables()) messages.push(...variableMessages(variable))
  for (const name of device.listCommands()) messages.push({ type: 'ADDCMD', name })
  if (fresh) messages.push({ type: 'DATAOK' })
  messages.push({ type: 'DUMPDONE' })
  return messages
}
