/**
 * ups.conf, read as NUT reads it (reference: nut-protocol.md 4.2).
 *
 * - Lines before the first section are globals; `[name]` (a single word) starts a device.
 * - `key = value` uses only the third word (we warn about extra words: an unquoted
 *   `desc = My UPS` is read as `My` by NUT); a single word is a flag; any other shape is
 *   ignored by NUT, and warned about here.
 * - upsd skips a device without `driver` or `port` (with a warning) and refuses a second
 *   section whose name matches an earlier one case-insensitively; nutshell reports the
 *   duplicate as an error.
 */
import { suggest } from '../did-you-mean.ts'
import { adviceFor, type ConfigDiagnostic, type Position } from './diagnostic.ts'
import { type ConfLine, DiagnosticSink, readConfLines, wordAt } from './lines.ts'
import { readInt } from './values.ts'

export interface UpsConfGlobals {
  chroot?: string
  driverPath?: string
  maxStartDelay?: number
  maxRetry?: number
  retryDelay?: number
  noWait?: boolean
  pollInterval?: number
  synchronous?: 'yes' | 'no' | 'auto'
  user?: string
  group?: string
  debugMin?: number
  statePath?: string
  /** Every global `key = value` as written (flags map to ''), later lines win. */
  raw: Record<string, string>
}

export interface UpsConfSection {
  name: string
  position: Position
  driver?: string
  port?: string
  desc?: string
  /** Every other `key = value`, in file order, keys as written; a repeated key keeps the last. */
  options: Record<string, string>
  /** Bare flags (`nolock`, `ignorelb`, ...), in file order, without repeats. */
  flags: string[]
  /** Where each key (or flag) of the section is written; a repeated key: its last line. */
  keyPositions: Record<string, Position>
}

export interface UpsConf {
  globals: UpsConfGlobals
  /** Every uniquely named section, including incomplete ones (see isCompleteSection). */
  sections: UpsConfSection[]
}

export interface UpsConfResult {
  conf: UpsConf
  diagnostics: ConfigDiagnostic[]
}

const globalKeys = [
  'chroot',
  'driverpath',
  'maxstartdelay',
  'maxretry',
  'retrydelay',
  'nowait',
  'pollinterval',
  'synchronous',
  'user',
  'group',
  'debug_min',
  'statepath',
] as const

/** Keys upsd or the driver core give a meaning to in a device section. */
export const knownDeviceKeys = [
  'driver',
  'port',
  'desc',
  'sdorder',
  'nolock',
  'ignorelb',
  'maxstartdelay',
  'synchronous',
  'user',
  'group',
  'debug_min',
  'mode',
] as const

/**
 * Options real NUT drivers read (usbhid-ups, snmp-ups, nutdrv_qx, blazer, apcsmart, ...):
 * never flagged as a misspelling of a core key however close they are (`model` is not
 * a typo of `mode`).
 */
const commonDriverOptions = new Set([
  'model',
  'mfr',
  'serial',
  'vendor',
  'vendorid',
  'product',
  'productid',
  'bus',
  'device',
  'subdriver',
  'protocol',
  'pollinterval',
  'pollfreq',
  'offdelay',
  'ondelay',
  'community',
  'snmp_version',
  'mibs',
  'cable',
  'baud_rate',
  'runtimecal',
  'chargetime',
  'idleload',
  'langid_fix',
  'interruptonly',
  'interruptsize',
  'upstype',
  'sdtype',
])

/** A section that upsd would serve: it names a driver and a port. */
export function isCompleteSection(
  s: UpsConfSection,
): s is UpsConfSection & { driver: string; port: string } {
  return s.driver !== undefined && s.port !== undefined
}

function sectionName(word: string): string | undefined {
  return word.length >= 2 && word.startsWith('[') && word.endsWith(']')
    ? word.slice(1, -1)
    : undefined
}

function readSynchronous(
  value: string,
  at: Position,
  sink: DiagnosticSink,
): 'yes' | 'no' | 'auto' | undefined {
  const lower = value.toLowerCase()
  if (lower === 'yes' || lower === 'no' || lower === 'auto') return lower
  sink.error('bad-value', at, `synchronous: '${value}' is not valid`, 'write yes, no or auto')
  return undefined
}

function applyGlobal(
  globals: UpsConfGlobals,
  key: string,
  value: string | undefined,
  line: ConfLine,
  sink: DiagnosticSink,
): void {
  const at = wordAt(line, 2)
  const need = (): string | undefined => {
    if (value === undefined)
      sink.warn('missing-value', wordAt(line, 0), `${key} needs a value; NUT ignores the line`)
    return value
  }
  globals.raw[key] = value ?? ''
  switch (key) {
    case 'chroot':
    case 'driverpath':
    case 'user':
    case 'group': {
      const v = need()
      if (v === undefined) return
      if (key === 'chroot') globals.chroot = v
      else if (key === 'driverpath') globals.driverPath = v
      else if (key === 'user') globals.user = v
      else globals.group = v
      return
    }
    case 'statepath':
    case 'STATEPATH': {
      const v = need()
      if (v !== undefined) globals.statePath = v
      return
    }
    case 'maxstartdelay':
    case 'maxretry':
    case 'retrydelay':
    case 'pollinterval':
    case 'debug_min': {
      const v = need()
      if (v === undefined) return
      const n = readInt(v, at, sink, { what: key, min: 0 })
      if (n === undefined) return
      if (key === 'maxstartdelay') globals.maxStartDelay = n
      else if (key === 'maxretry') globals.maxRetry = n
      else if (key === 'retrydelay') globals.retryDelay = n
      else if (key === 'pollinterval') globals.pollInterval = n
      else globals.debugMin = n
      return
    }
    case 'nowait':
      globals.noWait = true
      return
    case 'synchronous': {
      const v = need()
      const s = v === undefined ? undefined : readSynchronous(v, at, sink)
      if (s !== undefined) globals.synchronous = s
      return
    }
    default:
      delete globals.raw[key]
      sink.warn(
        'unknown-directive',
        wordAt(line, 0),
        `unknown global setting '${key}'; NUT ignores it`,
        adviceFor(key, globalKeys, 'global settings (lower case) are'),
      )
  }
}

function applyDeviceSetting(
  section: UpsConfSection,
  key: string,
  value: string,
  line: ConfLine,
  sink: DiagnosticSink,
): void {
  const at = wordAt(line, 2)
  if ((key === 'driver' || key === 'port' || key === 'desc') && section[key] !== undefined) {
    sink.warn(
      'duplicate',
      wordAt(line, 0),
      `[${section.name}] sets ${key} again; the later value '${value}' wins, as in upsd`,
      `keep one ${key} line`,
    )
  }
  switch (key) {
    case 'driver':
      section.driver = value
      return
    case 'port':
      section.port = value
      return
    case 'desc':
      section.desc = value
      return
    case 'sdorder':
      readInt(value, at, sink, { what: 'sdorder', min: -1 })
      break
    case 'maxstartdelay':
    case 'debug_min':
      readInt(value, at, sink, { what: key, min: 0 })
      break
    case 'synchronous':
      readSynchronous(value, at, sink)
      break
  }
  if (['Driver', 'DRIVER', 'Port', 'PORT', 'Desc', 'DESC'].includes(key)) {
    sink.warn(
      'unknown-key',
      wordAt(line, 0),
      `'${key}' is not '${key.toLowerCase()}': ups.conf keys are case-sensitive`,
      `write ${key.toLowerCase()} in lower case`,
    )
  } else if (
    !(knownDeviceKeys as readonly string[]).includes(key) &&
    !commonDriverOptions.has(key)
  ) {
    // Any other key may be the driver's own (vendorid, ...); one close to a key upsd
    // reads is most likely that key misspelt, and the device then goes without it.
    const guess = suggest(key, knownDeviceKeys)
    if (guess !== undefined && guess.toLowerCase() !== key.toLowerCase()) {
      sink.warn(
        'unknown-key',
        wordAt(line, 0),
        `[${section.name}]: '${key}' is not a key upsd or the driver core reads; kept as a driver option`,
        `did you mean '${guess}'?`,
      )
    }
  }
  delete section.options[key]
  section.options[key] = value
}

export function parseUpsConf(text: string, file = 'ups.conf'): UpsConfResult {
  const sink = new DiagnosticSink(file)
  const globals: UpsConfGlobals = { raw: {} }
  const sections: UpsConfSection[] = []
  const byName = new Map<string, UpsConfSection>()
  let current: UpsConfSection | undefined
  // After a refused section header, its lines are skipped rather than taken as globals.
  let refused = false

  for (const line of readConfLines(text, sink)) {
    const [first, second, third] = line.words
    if (first === undefined) continue
    const name = line.words.length === 1 ? sectionName(first) : undefined
    if (name !== undefined) {
      current = undefined
      refused = true
      if (name.trim() === '' || /\s/.test(name)) {
        sink.error('bad-section', wordAt(line, 0), `invalid device name '${name}'`)
        continue
      }
      const earlier = byName.get(name.toLowerCase())
      if (earlier !== undefined) {
        sink.error(
          'duplicate',
          wordAt(line, 0),
          `device name [${name}] is already used by [${earlier.name}] at line ${earlier.position.line}`,
          'device names must differ case-insensitively; rename or remove one section',
        )
        continue
      }
      if (name.toLowerCase() === 'default') {
        sink.warn(
          'reserved-name',
          wordAt(line, 0),
          `[${name}] is a name NUT reserves`,
          'choose another device name',
        )
      }
      if (/[@:]/.test(name)) {
        sink.warn(
          'bad-section',
          wordAt(line, 0),
          `device name '${name}' contains '@' or ':'; clients cannot address it as ups@host:port`,
          'use letters, digits, _ - and .',
        )
      }
      current = { name, position: wordAt(line, 0), options: {}, flags: [], keyPositions: {} }
      sections.push(current)
      byName.set(name.toLowerCase(), current)
      refused = false
      continue
    }
    if (first.startsWith('[') && !(line.words.length === 1 && sectionName(first) !== undefined)) {
      if (line.words.some((w) => w.endsWith(']'))) {
        sink.error(
          'bad-section',
          wordAt(line, 0),
          'a section header must be one word: [name] without spaces',
          'write [my-ups] instead of [my ups]',
        )
        current = undefined
        refused = true
        continue
      }
    }
    if (refused) continue
    let key: string
    let value: string | undefined
    if (line.words.length >= 3 && second === '=') {
      key = first
      value = third as string
      if (line.words.length > 3) {
        sink.warn(
          'extra-words',
          wordAt(line, 3),
          `only '${value}' is used; NUT ignores the words after it`,
          `quote a value with spaces: ${key} = "${line.words.slice(2).join(' ')}"`,
        )
      }
    } else if (line.words.length === 1) {
      key = first
      value = undefined
    } else {
      sink.warn(
        'syntax',
        wordAt(line, 0),
        `'${line.words.join(' ')}' is not 'key = value' or a flag; NUT ignores the line`,
        'write key = value',
      )
      continue
    }
    if (current !== undefined) current.keyPositions[key] = wordAt(line, 0)
    if (current === undefined) {
      applyGlobal(globals, key, value, line, sink)
    } else if (value === undefined) {
      if (!current.flags.includes(key)) current.flags.push(key)
    } else {
      applyDeviceSetting(current, key, value, line, sink)
    }
  }

  for (const section of sections) {
    for (const key of ['driver', 'port'] as const) {
      if (section[key] === undefined) {
        sink.warn(
          'missing-setting',
          section.position,
          `[${section.name}] has no ${key}; upsd skips this device, and so does nutshell`,
          `add '${key} = ...' to the section`,
        )
      }
    }
  }
  return { conf: { globals, sections }, diagnostics: sink.list }
}
