/**
 * One variable of a device, with NUT's metadata: the RW flag, the value type (STRING with
 * its maximum length "aux", or NUMBER), enumerated values and integer ranges.
 */
export type ValueKind = 'string' | 'number' | 'unspecified'

export interface Variable {
  /** The name as the driver spelled it. */
  readonly name: string
  value: string
  writable: boolean
  kind: ValueKind
  /** Maximum length for STRING variables (NUT's aux); 0 when not set. */
  maxLength: number
  enums: string[]
  ranges: Array<{ min: number; max: number }>
}

export function newVariable(name: string, value: string): Variable {
  return { name, value, writable: false, kind: 'unspecified', maxLength: 0, enums: [], ranges: [] }
}

export function copyVariable(variable: Variable): Variable {
  return {
    ...variable,
    enums: [...variable.enums],
    ranges: variable.ranges.map((r) => ({ ...r })),
  }
}

/**
 * The words of a `TYPE` reply, in upsd's order: RW, ENUM, RANGE, then STRING:n or NUMBER
 * (NUMBER for everything that is not flagged STRING, even plain text from drivers that set
 * no flags: that is what clients have always seen).
 */
export function typeWords(variable: Variable): string[] {
  const words: string[] = []
  if (variable.writable) words.push('RW')
  if (variable.enums.length > 0) words.push('ENUM')
  if (variable.ranges.length > 0) words.push('RANGE')
  words.push(variable.kind === 'string' ? `STRING:${variable.maxLength}` : 'NUMBER')
  return words
}
