import { suggest } from '../protocol/did-you-mean.ts'
import { type Diagnostic, diagnostic } from './diagnostics.ts'

/**
 * The scanner. Never throws: a bad character becomes an `unknown` token plus a
 * diagnostic, and scanning goes on.
 *
 * - names: a letter or `_`, then letters, digits, `_` and `.`; a `-` continues a name
 *   when a letter follows it (`input.L1-L2.voltage`), so write `a - b` with spaces;
 * - numbers `20`, `3.5`; durations `30s`, `5m`, `1h`, `2d`, `1h30m` (a number with a
 *   unit glued on), and the spelled-out forms people write: `2 minutes`, `2 min`,
 *   `90 seconds`, `1 hour 30 mins` (a unit word after a blank). A duration token's text is
 *   its canonical spelling (`2m`, `90s`, `1h30m`), so the printer writes it back that way;
 * - strings in double quotes with `\"`, `\\`, `\n`, `\t` escapes, on one line;
 * - `#` starts a comment to the end of the line.
 */
export type TokenKind =
  | 'name'
  | 'number'
  | 'duration'
  | 'string'
  | '('
  | ')'
  | '{'
  | '}'
  | '['
  | ']'
  | ','
  | ':'
  | ';'
  | '<'
  | '<='
  | '>'
  | '>='
  | '=='
  | '!='
  | '~='
  | '='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '&&'
  | '||'
  | '!'
  | 'unknown'
  | 'eof'

export interface Token {
  kind: TokenKind
  start: number
  end: number
  /** Names: the text; strings: the unescaped value; numbers: the text. */
  text: string
  /** Numbers and durations (in seconds). */
  value: number
  /** True when a newline lies between the previous token and this one. */
  newlineBefore: boolean
}

/** Unit words, any case: the canonical letter of each. */
/** Unit words, any case, plurals first so "did you mean" prefers them: the canonical letter. */
const unitLetters: Record<string, 's' | 'm' | 'h' | 'd'> = {
  seconds: 's',
  second: 's',
  secs: 's',
  sec: 's',
  s: 's',
  minutes: 'm',
  minute: 'm',
  mins: 'm',
  min: 'm',
  m: 'm',
  hours: 'h',
  hour: 'h',
  hrs: 'h',
  hr: 'h',
  h: 'h',
  days: 'd',
  day: 'd',
  d: 'd',
}
export const unitSeconds = { s: 1, m: 60, h: 3600, d: 86400 } as const
/** Every unit word, for "did you mean" on a misspelt one. */
export const durationUnitWords: readonly string[] = Object.keys(unitLetters)

/** The canonical letter of a unit word (`minutes` → `m`), or undefined. */
export function durationUnit(word: string): 's' | 'm' | 'h' | 'd' | undefined {
  return Object.hasOwn(unitLetters, word.toLowerCase())
    ? unitLetters[word.toLowerCase()]
    : undefined
}
const twoCharOps = new Set(['<=', '>=', '==', '!=', '~=', '&&', '||'])
const oneCharOps = new Set('(){}[],:;<>=+-*/%!')

function isNameStart(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z_]/.test(ch)
}
function isNamePart(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_.]/.test(ch)
}
function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9'
}

export function lex(text: string): { tokens: Token[]; diagnostics: Diagnostic[] } {
  const tokens: Token[] = []
  const diagnostics: Diagnostic[] = []
  let pos = 0
  let newline = false
  const push = (kind: TokenKind, start: number, tokenText: string, value = 0) => {
    tokens.push({ kind, start, end: pos, text: tokenText, value, newlineBefore: newline })
    newline = false
  }
  while (pos < text.length) {
    const ch = text[pos] as string
    if (ch === '\n') {
      newline = true
      pos++
      continue
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
      pos++
      continue
    }
    if (ch === '#') {
      while (pos < text.length && text[pos] !== '\n') pos++
      continue
    }
    const start = pos
    if (isNameStart(ch)) {
      pos++
      for (;;) {
        if (isNamePart(text[pos])) pos++
        else if (text[pos] === '-' && isNameStart(text[pos + 1]) && isNamePart(text[pos - 1])) pos++
        else break
      }
      push('name', start, text.slice(start, pos))
      continue
    }
    if (isDigit(ch)) {
      scanNumber(text, start, diagnostics, (end, kind, value, canonical) => {
        pos = end
        push(kind, start, canonical ?? text.slice(start, end), value)
      })
      continue
    }
    if (ch === "'") {
      // A common slip: single quotes. Read it as a string so the rest still parses.
      const close = text.indexOf("'", pos + 1)
      const newlineAt = text.indexOf('\n', pos + 1)
      const end =
        close >= 0 && (newlineAt < 0 || close < newlineAt)
          ? close + 1
          : newlineAt < 0
            ? text.length
            : newlineAt
      pos = end
      diagnostics.push(
        diagnostic(
          'RULE1001',
          { start, end },
          'Strings are written in double quotes, not single quotes.',
          {
            advice: `Write "${text.slice(start + 1, close >= 0 && close < end ? close : end)}".`,
          },
        ),
      )
      push('string', start, text.slice(start + 1, close >= 0 && close < end ? close : end))
      continue
    }
    if (ch === '"') {
      pos = scanString(text, start, diagnostics, (end, value) => {
        pos = end
        push('string', start, value)
      })
      continue
    }
    const two = text.slice(pos, pos + 2)
    if (twoCharOps.has(two)) {
      pos += 2
      push(two as TokenKind, start, two)
      continue
    }
    if (oneCharOps.has(ch)) {
      pos++
      push(ch as TokenKind, start, ch)
      continue
    }
    // One unknown token for a run of characters we cannot use, so one typo is one error.
    pos++
    while (
      pos < text.length &&
      !/[\sA-Za-z0-9_"'#(){}[\],:;<>=~+\-*/%!&|]/.test(text[pos] as string)
    )
      pos++
    const bad = text.slice(start, pos)
    diagnostics.push(
      diagnostic('RULE1001', { start, end: pos }, `Unexpected character '${bad}'.`, {
        advice:
          'Rules use names, numbers, "strings", durations and the operators < <= > >= == != + - * / %.',
      }),
    )
    push('unknown', start, bad)
  }
  push('eof', pos, '')
  return { tokens, diagnostics }
}

interface Part {
  /** The number's text and value. */
  amountText: string
  amount: number
  /** The unit word, glued (`5m`) or after blanks (`5 minutes`); undefined for a plain number. */
  unit: string | undefined
  unitStart: number
  /** Where the number ends (a plain number) or the unit word ends. */
  end: number
}

function isBlankChar(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t'
}

/**
 * A number at `start` and the unit after it: letters glued on (any word, so a misspelt
 * unit is reported), or, after blanks, a whole name that is a unit word (`2 minutes`; a
 * name such as `mins_total` or `m.x` is not a unit and stays a name).
 */
function readPart(text: string, start: number): Part {
  let pos = start
  while (isDigit(text[pos])) pos++
  if (text[pos] === '.' && isDigit(text[pos + 1])) {
    pos++
    while (isDigit(text[pos])) pos++
  }
  const amountText = text.slice(start, pos)
  const part = { amountText, amount: Number(amountText), unit: undefined, unitStart: pos, end: pos }
  if (/[A-Za-z_]/.test(text[pos] ?? '')) {
    const unitStart = pos
    while (/[A-Za-z_]/.test(text[pos] ?? '')) pos++
    return { ...part, unit: text.slice(unitStart, pos), unitStart, end: pos }
  }
  let wordStart = pos
  while (isBlankChar(text[wordStart])) wordStart++
  if (wordStart === pos || !/[A-Za-z]/.test(text[wordStart] ?? '')) return part
  let wordEnd = wordStart
  while (isNamePart(text[wordEnd])) wordEnd++
  const word = text.slice(wordStart, wordEnd)
  if (text[wordEnd] === '-' && isNameStart(text[wordEnd + 1])) return part
  return durationUnit(word) === undefined
    ? part
    : { ...part, unit: word, unitStart: wordStart, end: wordEnd }
}

function scanNumber(
  text: string,
  start: number,
  diagnostics: Diagnostic[],
  done: (end: number, kind: 'number' | 'duration', value: number, canonical?: string) => void,
): void {
  let part = readPart(text, start)
  if (part.unit === undefined) {
    done(part.end, 'number', part.amount)
    return
  }
  // A duration, possibly compound: 1h30m, 1h 30m, 1 hour 30 minutes.
  let seconds = 0
  let canonical = ''
  let bad = false
  for (;;) {
    const unit = part.unit ?? ''
    const letter = durationUnit(unit)
    if (letter === undefined) {
      bad = true
      const guess = unit.length > 1 ? suggest(unit, durationUnitWords) : undefined
      diagnostics.push(
        diagnostic(
          'RULE1004',
          { start: part.unitStart, end: part.end },
          `Unknown duration unit '${unit}'.${guess === undefined ? '' : ` Did you mean '${guess}'?`}`,
          {
            advice:
              'A duration is a number with a unit: 30s, 5m, 1h30m, or 90 seconds, 2 minutes, 1 hour. A number is followed by a space before a name.',
          },
        ),
      )
    } else {
      seconds += part.amount * unitSeconds[letter]
      canonical += `${part.amountText}${letter}`
    }
    const pos = part.end
    if (isDigit(text[pos])) {
      // Glued on: 1h30m. A part without its unit is a mistake, not the end of the duration.
      const next = readPart(text, pos)
      if (next.unit === undefined) {
        bad = true
        diagnostics.push(
          diagnostic('RULE1004', { start: pos, end: next.end }, 'A duration part needs a unit.', {
            advice: 'Write every part with its unit, as in 1h30m.',
          }),
        )
        done(next.end, 'duration', Number.NaN)
        return
      }
      part = next
      continue
    }
    // After blanks: 1 hour 30 minutes, only when the next number has a known unit.
    let after = pos
    while (isBlankChar(text[after])) after++
    if (after > pos && isDigit(text[after])) {
      const next = readPart(text, after)
      if (next.unit !== undefined && durationUnit(next.unit) !== undefined) {
        part = next
        continue
      }
    }
    done(pos, 'duration', bad ? Number.NaN : seconds, bad ? undefined : canonical)
    return
  }
}

function scanString(
  text: string,
  start: number,
  diagnostics: Diagnostic[],
  done: (end: number, value: string) => void,
): number {
  let pos = start + 1
  let value = ''
  for (;;) {
    const ch = text[pos]
    if (ch === undefined || ch === '\n') {
      diagnostics.push(
        diagnostic('RULE1002', { start, end: pos }, 'Unterminated string.', {
          advice: 'Close the string with " on the same line; write \\" for a quote inside it.',
        }),
      )
      done(pos, value)
      return pos
    }
    if (ch === '"') {
      pos++
      done(pos, value)
      return pos
    }
    if (ch === '\\') {
      const next = text[pos + 1]
      const escaped =
        next === '"'
          ? '"'
          : next === '\\'
            ? '\\'
            : next === 'n'
              ? '\n'
              : next === 't'
                ? '\t'
                : undefined
      if (escaped === undefined) {
        diagnostics.push(
          diagnostic(
            'RULE1003',
            { start: pos, end: Math.min(text.length, pos + 2) },
            `Unknown escape '\\${next ?? ''}' in a string.`,
            { advice: 'Strings know \\" \\\\ \\n and \\t; write \\\\ for a backslash.' },
          ),
        )
        value += next === undefined || next === '\n' ? '' : next
        pos += next === undefined || next === '\n' ? 1 : 2
        continue
      }
      value += escaped
      pos += 2
      continue
    }
    value += ch
    pos++
  }
}
