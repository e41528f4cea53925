/**
 * Compile errors. The codes are glibc's regerror codes with glibc's texts, so a message
 * reads as powermand's would; two codes are ours: what glibc accepts but this matcher
 * refuses on purpose (back-references, which cannot be matched in bounded time) and a
 * size cap on the compiled program (glibc would try to allocate it).
 */

export const regexErrorTexts = {
  REG_BADPAT: 'Invalid regular expression',
  REG_ECOLLATE: 'Invalid collation character',
  REG_ECTYPE: 'Invalid character class name',
  REG_EESCAPE: 'Trailing backslash',
  REG_ESUBREG: 'Invalid back reference',
  REG_EBRACK: 'Unmatched [, [^, [:, [., or [=',
  REG_EPAREN: 'Unmatched ( or \\(',
  REG_EBRACE: 'Unmatched \\{',
  REG_BADBR: 'Invalid content of \\{\\}',
  REG_ERANGE: 'Invalid range end',
  REG_BADRPT: 'Invalid preceding regular expression',
  REG_ESIZE: 'Regular expression too big',
  BACKREF_UNSUPPORTED: 'Back-references (\\1 to \\9) are not supported',
  TOO_LARGE: 'Regular expression expands to too many states (repetition counts too large)',
  NOT_BYTES: 'The pattern holds a character above U+00FF; patterns are bytes (latin1)',
} as const

export type RegexErrorCode = keyof typeof regexErrorTexts

export interface RegexError {
  readonly code: RegexErrorCode
  readonly message: string
  /** Offset in the pattern (code units) where the problem was found. */
  readonly position: number
}

export function regexError(code: RegexErrorCode, position: number): RegexError {
  return { code, message: regexErrorTexts[code], position }
}
