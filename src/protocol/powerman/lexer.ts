import { suggest } from '../did-you-mean.ts'
import { type Diagnostic, diagnostic, didYouMean } from './diagnostics.ts'
import { keywords, retiredWords, spellingCandidates } from './keywords.ts'

/**
 * The scanner, after powerman's flex scanner (reference 1.1). Never throws: bad input
 * becomes an `unknown` token plus a diagnostic, and scanning goes on.
 *
 * - blanks are space, tab and CR; LF ends a line; `#` comments run to the end of the line;
 * - numbers: `5`, `4.`, `4.5`, `.5` (no sign, no exponent, no unit);
 * - strings: double quotes, one line, C escapes; an unknown escape `\c` is just `c`;
 * - words: only the reserved words exist. flex matches the longest keyword at each
 *   position with no identifier rule, so `delay1` is `delay 1` and `scriptoff` is
 *   `script off`; nutshell reads them the same way but warns;
 * - `include` takes the next run of non-blank characters as a quoted path.
 */
export type TokenKind =
  | 'keyword'
  | 'plug name'
  | 'string'
  | 'number'
  | 'path'
  | '$'
  | '{'
  | '}'
  | '='
  | 'unknown'
  | 'eof'

export interface Token {
  kind: TokenKind
  start: number
  end: number
  /** Keywords: the word; strings: the value; numbers: the text; paths: between the quotes. */
  text: string
  /** Numbers: the value (strtod). */
  value: number
}

/** powerman's string buffer is 8 KiB, NUL included, and never checked for overflow. */
export const maxStringLength = 8191

const simpleEscapes: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
}

const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z_]/.test(ch)
const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9'
/** Characters that start some token or blank; anything else is unexpected. */
const startsSomething = /[A-Za-z_0-9.$"'{}=# \t\r\n]/

export function lex(text: string, file: string): { tokens: Token[]; diagnostics: Diagnostic[] } {
  const tokens: Token[] = []
  const diagnostics: Diagnostic[] = []
  const add = (d: Diagnostic) => diagnostics.push(d)
  let pos = 0
  const push = (kind: TokenKind, start: number, end: number, tokenText: string, value = 0) =>
    tokens.push({ kind, start, end, text: tokenText, value })

  while (pos < text.length) {
    const ch = text[pos] as string
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      pos++
      continue
    }
    if (ch === '#') {
      const newline = text.indexOf('\n', pos)
      if (newline < 0) {
        add(
          diagnostic(
            'PM1015',
            file,
            { start: pos, end: text.length },
            'The file ends inside a comment with no newline after it.',
            {
              severity: 'warning',
              advice:
                'powermand rejects such a file with a parse error; nutshell reads it. End the file with a newline.',
            },
          ),
        )
        pos = text.length
      } else pos = newline + 1
      continue
    }
    const start = pos
    if (isDigit(ch) || (ch === '.' && isDigit(text[pos + 1]))) {
      while (isDigit(text[pos])) pos++
      if (text[pos] === '.') {
        pos++
        while (isDigit(text[pos])) pos++
      }
      const numberText = text.slice(start, pos)
      push('number', start, pos, numberText, Number(numberText))
      // A letter glued on that is no keyword: a unit or an exponent, which powerman lacks.
      if (isWordChar(text[pos])) {
        let end = pos
        while (isWordChar(text[end]) || isDigit(text[end])) end++
        const glued = text.slice(pos, end).replace(/[0-9].*$/, '')
        if (splitKeywords(glued) === undefined) {
          add(
            diagnostic('PM1004', file, { start, end }, `Bad number '${text.slice(start, end)}'.`, {
              advice:
                'powerman numbers are plain decimals such as 5, 2.5 or .5: no sign, no exponent, no unit (times are in seconds).',
            }),
          )
          pos = end
        }
      }
      continue
    }
    if (ch === '"') {
      pos = scanString(text, start, file, diagnostics, (end, value) => {
        push('string', start, end, value)
      })
      continue
    }
    if (ch === "'") {
      // A common slip: single quotes. Read it as a string so the rest still parses.
      const newline = text.indexOf('\n', pos + 1)
      const lineEnd = newline < 0 ? text.length : newline
      const close = text.indexOf("'", pos + 1)
      const end = close >= 0 && close < lineEnd ? close + 1 : lineEnd
      const value = text.slice(start + 1, close >= 0 && close < lineEnd ? close : lineEnd)
      pos = end
      add(
        diagnostic(
          'PM1001',
          file,
          { start, end },
          'Strings are written in double quotes, not single quotes.',
          {
            advice: `Write "${value}".`,
          },
        ),
      )
      push('string', start, end, value)
      continue
    }
    if (ch === '$' || ch === '{' || ch === '}' || ch === '=') {
      pos++
      push(ch, start, pos, ch)
      continue
    }
    if (isWordChar(ch)) {
      while (isWordChar(text[pos])) pos++
      const word = text.slice(start, pos)
      if (word === 'plug') {
        const blanks = /^[ \t]+name(?![A-Za-z_])/.exec(text.slice(pos, pos + 64))
        if (blanks !== null) {
          pos += blanks[0].length
          push('plug name', start, pos, 'plug name')
          continue
        }
      }
      if (word === 'include') {
        push('keyword', start, pos, word)
        pos = scanIncludePath(text, pos, file, diagnostics, push)
        continue
      }
      if (keywords.has(word)) {
        push('keyword', start, pos, word)
        continue
      }
      const parts = splitKeywords(word)
      if (parts !== undefined) {
        add(
          diagnostic(
            'PM1020',
            file,
            { start, end: pos },
            `'${word}' is read as ${parts.map((p) => `'${p}'`).join(' ')}.`,
            {
              severity: 'warning',
              advice: `powerman's scanner splits run-together keywords; write ${parts.join(' ')} with spaces.`,
            },
          ),
        )
        let at = start
        for (const part of parts) {
          push('keyword', at, at + part.length, part)
          at += part.length
        }
        continue
      }
      const retired = retiredWords[word]
      const guess = word === 'plugname' ? 'plug name' : spellingGuess(word)
      add(
        diagnostic(
          'PM1003',
          file,
          { start, end: pos },
          `Unknown word '${word}'.${retired === undefined ? didYouMean(guess) : ''}`,
          {
            advice:
              retired ??
              'powerman has no names of its own: only its keywords, "strings", numbers and $N captures. Quote text as a string.',
          },
        ),
      )
      push('unknown', start, pos, word)
      continue
    }
    // A run of characters no token starts with: one error for the run.
    pos++
    while (pos < text.length && !startsSomething.test(text[pos] as string)) pos++
    const bad = text.slice(start, pos)
    add(
      diagnostic('PM1001', file, { start, end: pos }, `Unexpected character '${printable(bad)}'.`, {
        advice: adviceForCharacter(bad),
      }),
    )
    push('unknown', start, pos, bad)
  }
  push('eof', pos, pos, '')
  return { tokens, diagnostics }
}

/** The nearest keyword, counting a swap of two neighbouring letters as one slip. */
function spellingGuess(word: string): string | undefined {
  const near = suggest(word, spellingCandidates)
  if (near !== undefined) return near
  for (let i = 0; i + 1 < word.length; i++) {
    const swapped = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2)
    if (keywords.has(swapped)) return swapped
  }
  return undefined
}

function adviceForCharacter(bad: string): string {
  if (bad.startsWith("'")) return 'Strings are written in double quotes, not single quotes.'
  if (bad.startsWith(';')) return 'Statements end at the next keyword; no ; is needed.'
  if (bad.startsWith('-')) return 'powerman numbers have no sign.'
  if (bad.startsWith('\f') || bad.startsWith('\v'))
    return 'Only spaces, tabs, carriage returns and newlines may separate tokens.'
  return 'powerman files hold keywords, "strings", numbers, $N captures and the characters { } =.'
}

function printable(text: string): string {
  let out = ''
  for (const c of text) {
    const code = c.charCodeAt(0)
    out += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c
  }
  return out
}

/**
 * How flex would cut a word into keywords (longest keyword first at each position), or
 * undefined when some part is not a keyword. `include` is left out: it changes state.
 */
export function splitKeywords(word: string): string[] | undefined {
  if (word === '') return undefined
  const parts: string[] = []
  let pos = 0
  while (pos < word.length) {
    let best = ''
    for (const k of keywords)
      if (k.length > best.length && k !== 'include' && word.startsWith(k, pos)) best = k
    if (best === '') return undefined
    parts.push(best)
    pos += best.length
  }
  return parts
}

function scanIncludePath(
  text: string,
  from: number,
  file: string,
  diagnostics: Diagnostic[],
  push: (kind: TokenKind, start: number, end: number, text: string) => void,
): number {
  let pos = from
  while (text[pos] === ' ' || text[pos] === '\t' || text[pos] === '\n') pos++
  const start = pos
  while (pos < text.length && text[pos] !== ' ' && text[pos] !== '\t' && text[pos] !== '\n') pos++
  // powermand takes the run and strips its first and last character, assumed quotes.
  const run = text.slice(start, pos).replace(/\r$/, '')
  if (run.length < 2 || !run.startsWith('"') || !run.endsWith('"')) {
    diagnostics.push(
      diagnostic(
        'PM1012',
        file,
        { start, end: Math.max(pos, Math.min(start + 1, text.length)) },
        run === '' ? 'A path is expected after include.' : `Bad include path ${run}.`,
        {
          advice:
            'Write include "/path/to/file.dev" with the path in double quotes and no spaces in it (powerman reads the path up to the next blank).',
        },
      ),
    )
  }
  push('path', start, pos, run.length >= 2 ? run.slice(1, -1) : '')
  return pos
}

function scanString(
  text: string,
  start: number,
  file: string,
  diagnostics: Diagnostic[],
  done: (end: number, value: string) => void,
): number {
  let pos = start + 1
  let value = ''
  for (;;) {
    const ch = text[pos]
    if (ch === undefined || ch === '\n') {
      diagnostics.push(
        diagnostic('PM1002', file, { start, end: pos }, 'Unterminated string.', {
          advice:
            'Close the string with " on the same line; write \\" for a quote and \\n for a newline inside it.',
        }),
      )
      break
    }
    if (ch === '"') {
      pos++
      break
    }
    if (ch !== '\\') {
      value += ch
      pos++
      continue
    }
    const next = text[pos + 1]
    if (next === undefined) {
      pos++
      continue
    }
    const simple = simpleEscapes[next]
    if (simple !== undefined) {
      value += simple
      pos += 2
      continue
    }
    const three = text.slice(pos + 1, pos + 4)
    if (/^[0-9]{3}$/.test(three)) {
      value += octalEscape(three, file, pos, diagnostics)
      pos += 4
      continue
    }
    // Any other escaped character stands for itself (a backslash-newline for a newline).
    value += next
    pos += 2
  }
  if (value.length > maxStringLength)
    diagnostics.push(
      diagnostic(
        'PM1016',
        file,
        { start, end: start + 1 },
        `This string holds ${value.length} characters; powerman's limit is ${maxStringLength}.`,
        { advice: 'powermand would overrun its 8 KiB string buffer; split the text up.' },
      ),
    )
  done(pos, value)
  return pos
}

/** `\ddd`: three digits read by strtol in base 8 (stopping at an 8 or 9), kept to a byte. */
function octalEscape(digits: string, file: string, at: number, diagnostics: Diagnostic[]): string {
  const octal = /^[0-7]*/.exec(digits)?.[0] ?? ''
  const value = octal === '' ? 0 : Number.parseInt(octal, 8)
  if (octal.length < 3 || value > 0xff)
    diagnostics.push(
      diagnostic(
        'PM1017',
        file,
        { start: at, end: at + 4 },
        `'\\${digits}' is not a byte in octal; powerman reads it as ${value & 0xff}.`,
        {
          severity: 'warning',
          advice: 'An escape \\ddd takes exactly three octal digits 0-7, from \\000 to \\377.',
        },
      ),
    )
  return String.fromCharCode(value & 0xff)
}
