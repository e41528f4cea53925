/**
 * How nut_exporter turns a NUT variable's text into a sample value (its NUT library,
 * go.nut, types the `LIST VAR` text whatever `GET TYPE` says; reference:
 * integrations.md 2.1). Pure.
 */

export interface OnOff {
  on: RegExp | undefined
  off: RegExp | undefined
}

/** nut_exporter's default --nut.on_regex / --nut.off_regex (matched without case). */
export const defaultOnPattern = '^(enable|enabled|on|true|active|activated)$'
export const defaultOffPattern = '^(disable|disabled|off|false|inactive|deactivated)$'

const numberLike = /^-?[0-9.]+$/

/** The sample value, or undefined when nut_exporter would drop the variable. */
export function sampleValue(text: string, onOff: OnOff): number | undefined {
  const value = text.trim()
  if (value === 'enabled') return 1
  if (value === 'disabled') return 0
  if (numberLike.test(value)) {
    const dots = value.split('.').length - 1
    if (dots === 0) {
      const n = Number(value)
      if (value !== '-' && Number.isSafeInteger(n)) return n
    } else if (dots === 1 && /[0-9]/.test(value)) {
      return Number(value.endsWith('.') ? `${value}0` : value)
    }
  }
  if (onOff.on?.test(value)) return 1
  if (onOff.off?.test(value)) return 0
  return undefined
}
