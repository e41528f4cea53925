import { type Diagnostic, diagnostic } from './diagnostics.ts'

/**
 * The scanner. Never throws: a bad character becomes an `unknown` token plus a
 * diagnostic, and scanning goes on.
 *
 * - names: a letter or `_`, then letters, digits, `_` and `.`; a `-` continues a name
 *   when a letter follows it (`input.L1-L2.voltage`), so write `a - b` with spaces;
 * - numbers `20`, `3.5`; durations `30s`, `5m`, `1h`, `2d`, `1h30m` (a number with a
 *   unit glued on);
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

const durationUnits: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }
const twoCharOps = new Set(['<=', '>=', '==', '!=', '&&', '||'])
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
      scanNumber(text, start, diagnostics, (end, kind, value) => {
        pos = end
        push(kind, start, text.slice(start, end), value)
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
      !/[\sA-Za-z0-9_"'#(){}[\],:;<>=+\-*/%!&|]/.test(text[pos] as string)
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

function scanNumber(
  text: string,
  start: number,
  diagnostics: Diagnostic[],
  done: (end: number, kind: 'number' | 'duration', value: number) => void,
): void {
  let pos = start
  while (isDigit(text[pos])) pos++
  if (text[pos] === '.' && isDigit(text[pos + 1])) {
    pos++
    while (isDigit(text[pos])) pos++
  }
  const number = Number(text.slice(start, pos))
  if (!/[A-Za-z_]/.test(text[pos] ?? '')) {
    done(pos, 'number', number)
    return
  }
  // A unit glued on: a duration, possibly compound (1h30m).
  let seconds = 0
  let amount = number
  let bad = false
  for (;;) {
    const unitStart = pos
    while (/[A-Za-z_]/.test(text[pos] ?? '')) pos++
    const unit = text.slice(unitStart, pos)
    const factor = durationUnits[unit]
    if (factor === undefined) {
      bad = true
      diagnostics.push(
        diagnostic('RULE1004', { start: unitStart, end: pos }, `Unknown duration unit '${unit}'.`, {
          advice:
            'A duration is a number with s (seconds), m (minutes), h (hours) or d (days): 30s, 5m, 1h30m. A number is followed by a space before a name.',
        }),
      )
    } else seconds += amount * factor
    if (!isDigit(text[pos])) break
    const partStart = pos
    while (isDigit(text[pos])) pos++
    if (!/[A-Za-z]/.test(text[pos] ?? '')) {
      bad = true
      diagnostics.push(
        diagnostic('RULE1004', { start: partStart, end: pos }, 'A duration part needs a unit.', {
          advice: 'Write every part with its unit, as in 1h30m.',
        }),
      )
      break
    }
    amount = Number(text.slice(partStart, pos))
  }
  done(pos, 'duration', bad ? Number.NaN : seconds)
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
