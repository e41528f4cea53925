/**
 * The ERE token scanner, as glibc's regcomp reads a pattern compiled with REG_EXTENDED
 * (syntax RE_SYNTAX_POSIX_EXTENDED): `\` before any character makes it literal, except for
 * glibc's GNU operators (`\w \W \s \S \b \B \< \> \` \'`) and back-references `\1`-`\9`.
 * A `\n` in a pattern is the letter n (powerman turns the two characters into a newline
 * itself before compiling).
 */

export const Tok = {
  Char: 0,
  Alt: 1,
  Star: 2,
  Plus: 3,
  Question: 4,
  OpenDup: 5,
  CloseDup: 6,
  OpenSub: 7,
  CloseSub: 8,
  OpenBracket: 9,
  Period: 10,
  Anchor: 11,
  BackRef: 12,
  Word: 13,
  NotWord: 14,
  Space: 15,
  NotSpace: 16,
  Backslash: 17,
  End: 18,
} as const
export type TokType = (typeof Tok)[keyof typeof Tok]

/** Context constraints of an anchor, as glibc's constraint bits. */
export const PREV_NEWLINE = 1
export const PREV_WORD = 2
export const PREV_NOTWORD = 4
export const PREV_BEGBUF = 8
export const NEXT_NEWLINE = 16
export const NEXT_WORD = 32
export const NEXT_NOTWORD = 64
export const NEXT_ENDBUF = 128
export const WORD_FIRST = PREV_NOTWORD | NEXT_WORD
export const WORD_LAST = PREV_WORD | NEXT_NOTWORD
/** Markers for `\b` and `\B`, which the parser turns into two anchors in an alternation. */
export const WORD_DELIM = 256
export const NOT_WORD_DELIM = 512
export const INSIDE_WORD = PREV_WORD | NEXT_WORD
export const INSIDE_NOTWORD = PREV_NOTWORD | NEXT_NOTWORD

export interface Token {
  type: TokType
  /** The character (Char), the anchor constraint (Anchor) or the group number (BackRef). */
  value: number
  /** Offset of the token in the pattern. */
  pos: number
  len: number
}

export function peekToken(pattern: string, pos: number): Token {
  if (pos >= pattern.length) return { type: Tok.End, value: 0, pos, len: 0 }
  const c = pattern.charCodeAt(pos)
  if (c === 0x5c) {
    if (pos + 1 >= pattern.length) return { type: Tok.Backslash, value: c, pos, len: 1 }
    const c2 = pattern.charCodeAt(pos + 1)
    const token: Token = { type: Tok.Char, value: c2, pos, len: 2 }
    if (c2 >= 0x31 && c2 <= 0x39) {
      token.type = Tok.BackRef
      token.value = c2 - 0x31
      return token
    }
    switch (String.fromCharCode(c2)) {
      case '<':
        return anchor(token, WORD_FIRST)
      case '>':
        return anchor(token, WORD_LAST)
      case 'b':
        return anchor(token, WORD_DELIM)
      case 'B':
        return anchor(token, NOT_WORD_DELIM)
      case '`':
        return anchor(token, PREV_BEGBUF)
      case "'":
        return anchor(token, NEXT_ENDBUF)
      case 'w':
        token.type = Tok.Word
        break
      case 'W':
        token.type = Tok.NotWord
        break
      case 's':
        token.type = Tok.Space
        break
      case 'S':
        token.type = Tok.NotSpace
        break
    }
    return token
  }
  const token: Token = { type: Tok.Char, value: c, pos, len: 1 }
  switch (String.fromCharCode(c)) {
    case '|':
      token.type = Tok.Alt
      break
    case '*':
      token.type = Tok.Star
      break
    case '+':
      token.type = Tok.Plus
      break
    case '?':
      token.type = Tok.Question
      break
    case '{':
      token.type = Tok.OpenDup
      break
    case '}':
      token.type = Tok.CloseDup
      break
    case '(':
      token.type = Tok.OpenSub
      break
    case ')':
      token.type = Tok.CloseSub
      break
    case '[':
      token.type = Tok.OpenBracket
      break
    case '.':
      token.type = Tok.Period
      break
    case '^':
      return anchor(token, PREV_NEWLINE)
    case '$':
      return anchor(token, NEXT_NEWLINE)
  }
  return token
}

function anchor(token: Token, constraint: number): Token {
  token.type = Tok.Anchor
  token.value = constraint
  return token
}
