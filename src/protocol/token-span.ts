/**
 * What the rules' and powerman scripts' parsers say about a token in a diagnostic: its
 * span (never empty, so a caret always shows) and the ", found …" tail of an
 * "expected …" message. Shared so both languages word their errors alike.
 */
export interface Span {
  start: number
  end: number
}

export interface SpannedToken {
  kind: string
  start: number
  end: number
  text: string
}

export function spanOf(token: SpannedToken): Span {
  return {
    start: token.start,
    end: Math.max(token.end, token.start + (token.kind === 'eof' ? 0 : 1)),
  }
}

export function found(token: SpannedToken): string {
  switch (token.kind) {
    case 'eof':
      return ', found the end of the file'
    case 'string':
      return `, found "${token.text}"`
    case 'unknown':
      return ''
    default:
      return `, found '${token.text}'`
  }
}
