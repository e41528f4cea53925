/**
 * Value readers for NUT config words, with NUT's leniency made visible: NUT reads numbers
 * with atoi (so `15s` is 15 and `abc` is 0); we accept a number followed by junk with a
 * warning, and refuse a word that is not a number at all.
 */
import type { Position } from './diagnostic.ts'
import type { DiagnosticSink } from './lines.ts'

export interface IntOptions {
  min?: number
  max?: number
  /** What the setting means, for messages: `MAXAGE (seconds)`. */
  what: string
  /** A typical value, shown in the advice. */
  example?: number
}

/** Reads an integer; reports and returns undefined when it cannot. */
export function readInt(
  word: string,
  at: Position,
  sink: DiagnosticSink,
  options: IntOptions,
): number | undefined {
  const range =
    options.min !== undefined && options.max !== undefined
      ? `an integer from ${options.min} to ${options.max}`
      : options.min !== undefined
        ? `an integer >= ${options.min}`
        : 'an integer'
  const exact = /^[+-]?\d+$/.test(word)
  const prefix = /^[+-]?\d+/.exec(word)?.[0]
  if (prefix === undefined) {
    sink.error(
      'bad-number',
      at,
      `${options.what}: '${word}' is not a number`,
      options.example === undefined ? `write ${range}` : `write ${range}, e.g. ${options.example}`,
    )
    return undefined
  }
  const value = Number.parseInt(prefix, 10)
  if (!exact) {
    sink.warn(
      'bad-number',
      at,
      `${options.what}: '${word}' is read as ${value}; the rest is ignored, as NUT ignores it`,
      `write ${range} without a unit`,
    )
  }
  if (
    !Number.isSafeInteger(value) ||
    (options.min !== undefined && value < options.min) ||
    (options.max !== undefined && value > options.max)
  ) {
    sink.error('out-of-range', at, `${options.what}: ${word} is out of range`, `write ${range}`)
    return undefined
  }
  return value
}

const trueWords = ['true', 'on', 'yes', '1']
const falseWords = ['false', 'off', 'no', '0']

/** NUT's booleans: true/on/yes/1 and false/off/no/0 (case-insensitive). */
export function parseBool(word: string): boolean | undefined {
  const lower = word.toLowerCase()
  if (trueWords.includes(lower)) return true
  if (falseWords.includes(lower)) return false
  return undefined
}

export function readBool(
  word: string,
  at: Position,
  sink: DiagnosticSink,
  what: string,
): boolean | undefined {
  const value = parseBool(word)
  if (value === undefined) {
    sink.error(
      'bad-boolean',
      at,
      `${what}: '${word}' is not a boolean`,
      `write one of ${[...trueWords, ...falseWords].join(', ')}`,
    )
  }
  return value
}

/** A TCP port number 1..65535. */
export function readPort(word: string, at: Position, sink: DiagnosticSink, what: string) {
  return readInt(word, at, sink, { what, min: 1, max: 65535 })
}
