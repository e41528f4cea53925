/**
 * NUT's tokenizer (the "parseconf" state machine), shared by the network protocol, the
 * driver socket, every NUT config file and the dummy-ups data files.
 *
 * Word rules, as NUT applies them (reference: nut-protocol.md 1.2):
 * - whitespace (SP HT VT FF CR) separates words; LF ends the line;
 * - `#` outside quotes starts a comment; inside quotes it is an error unless escaped;
 * - `"..."` quotes a word (the empty word `""` is allowed); a `"` in the middle of a bare
 *   word is literal;
 * - `\X` takes X literally, in and out of quotes; `\` before LF continues the line;
 * - `=` outside quotes is always a word of its own.
 *
 * One deliberate difference (docs/compatibility.md): NUT silently discards every byte
 * outside 0x20..0x7E from words. We drop nothing: control characters give an error for the
 * line and valid non-ASCII text (UTF-8, already decoded) is kept as it is.
 *
 * Pure: strings in, typed results out; never throws on any input.
 */

export type TokenizeErrorKind =
  | 'control-character'
  | 'hash-in-quotes'
  | 'unterminated-quote'
  | 'trailing-backslash'

export interface TokenizeError {
  kind: TokenizeErrorKind
  /** 0-based offset within the text where the problem was found. */
  offset: number
  message: string
}

export interface TokenizedLine {
  words: string[]
  /** 1-based line number where the logical line started. */
  line: number
  /** 0-based offsets of each word's first character in the text, parallel to `words`. */
  offsets: number[]
  error?: TokenizeError
}

const errorMessages: Record<TokenizeErrorKind, string> = {
  'control-character': 'control characters are not allowed',
  'hash-in-quotes': 'unescaped # inside quotes (write \\#)',
  'unterminated-quote': 'quoted word is not closed before the end of the line',
  'trailing-backslash': 'backslash at the end of the input',
}

export function isNutWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\v' || ch === '\f' || ch === '\r'
}

/** True for C0 controls and DEL: bytes NUT would drop and we refuse. */
export function isControlCharacter(ch: string): boolean {
  const code = ch.charCodeAt(0)
  return code < 0x20 || code === 0x7f
}

type State = 'start' | 'word' | 'word-literal' | 'quoted' | 'quoted-literal' | 'comment'

/**
 * Splits text into logical lines of words. Lines that hold no word (blank or comment-only)
 * are returned with an empty `words` array only when `keepEmpty` is set: the network
 * protocol answers them, config files skip them.
 *
 * `continueQuotesAcrossLines`: NUT lets a quoted word run on over a newline (and drops the
 * newline). Config readers may allow it; the network protocol does not (a request is one
 * line).
 */
export function tokenize(
  text: string,
  options: { keepEmpty?: boolean; continueQuotesAcrossLines?: boolean } = {},
): TokenizedLine[] {
  const lines: TokenizedLine[] = []
  let words: string[] = []
  let offsets: number[] = []
  let current = ''
  let state: State = 'start'
  let lineNumber = 1
  let lineStart = 1
  let error: TokenizeError | undefined

  const fail = (kind: TokenizeErrorKind, offset: number): void => {
    if (error === undefined) error = { kind, offset, message: errorMessages[kind] }
  }
  const endWord = (): void => {
    words.push(current)
    current = ''
  }
  const endLine = (): void => {
    if (words.length > 0 || error !== undefined || options.keepEmpty === true) {
      const line: TokenizedLine = { words, line: lineStart, offsets }
      if (error !== undefined) line.error = error
      lines.push(line)
    }
    words = []
    offsets = []
    error = undefined
    state = 'start'
  }

  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    if (ch === '\n') lineNumber++
    switch (state) {
      case 'start':
        if (ch === '\n') {
          endLine()
          lineStart = lineNumber
        } else if (ch === '#') state = 'comment'
        else if (isNutWhitespace(ch)) {
          // separator
        } else if (isControlCharacter(ch)) fail('control-character', i)
        else if (ch === '\\') {
          offsets.push(i)
          state = 'word-literal'
        } else if (ch === '"') {
          offsets.push(i)
          state = 'quoted'
        } else if (ch === '=') {
          offsets.push(i)
          words.push('=')
        } else {
          offsets.push(i)
          current = ch
          state = 'word'
        }
        break
      case 'word':
        if (ch === '\n') {
          endWord()
          endLine()
          lineStart = lineNumber
        } else if (ch === '#') {
          endWord()
          state = 'comment'
        } else if (isNutWhitespace(ch)) {
          endWord()
          state = 'start'
        } else if (isControlCharacter(ch)) fail('control-character', i)
        else if (ch === '=') {
          endWord()
          offsets.push(i)
          words.push('=')
          state = 'start'
        } else if (ch === '\\') state = 'word-literal'
        else current += ch
        break
      case 'word-literal':
        if (ch === '\n') {
          state = 'word' // line continuation
        } else if (isControlCharacter(ch)) {
          fail('control-character', i)
          state = 'word'
        } else {
          current += ch
          state = 'word'
        }
        break
      case 'quoted':
        if (ch === '"') {
          endWord()
          state = 'start'
        } else if (ch === '\\') state = 'quoted-literal'
        else if (ch === '#') {
          fail('hash-in-quotes', i)
          current += ch
        } else if (ch === '\n') {
          if (options.continueQuotesAcrossLines === true) break
          fail('unterminated-quote', i)
          endWord()
          endLine()
          lineStart = lineNumber
        } else if (isControlCharacter(ch)) fail('control-character', i)
        else current += ch
        break
      case 'quoted-literal':
        if (ch === '\n') state = 'quoted'
        else if (isControlCharacter(ch)) {
          fail('control-character', i)
          state = 'quoted'
        } else {
          current += ch
          state = 'quoted'
        }
        break
      case 'comment':
        if (ch === '\n') {
          endLine()
          lineStart = lineNumber
        } else if (isControlCharacter(ch) && ch !== '\t' && ch !== '\r') {
          // Comments may hold anything printable; raw control bytes still mark the line.
          fail('control-character', i)
        }
        break
    }
  }

  // End of input without a final newline: close what is open.
  switch (state) {
    case 'word':
      endWord()
      break
    case 'word-literal':
      fail('trailing-backslash', text.length)
      endWord()
      break
    case 'quoted':
    case 'quoted-literal':
      fail('unterminated-quote', text.length)
      endWord()
      break
    case 'start':
    case 'comment':
      break
  }
  if (words.length > 0 || error !== undefined) endLine()
  return lines
}

/** Tokenizes exactly one line (for the network protocol): the first logical line, if any. */
export function tokenizeLine(line: string): { words: string[]; error?: TokenizeError } {
  const [first] = tokenize(line, { keepEmpty: true })
  if (first === undefined) return { words: [] }
  return first.error === undefined
    ? { words: first.words }
    : { words: first.words, error: first.error }
}
