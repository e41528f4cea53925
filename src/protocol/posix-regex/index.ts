/**
 * POSIX extended regular expressions with glibc's semantics (regcomp REG_EXTENDED,
 * regexec), for powerman device scripts: leftmost-longest overall match, capture groups
 * as glibc assigns them, bounded time (no backtracking). Subjects and patterns are byte
 * strings: decode device bytes as latin1. See docs/regex.md.
 */

import { type RegexError, regexError } from './errors.ts'
import { parseEre } from './parse.ts'
import { buildProgram, type Program } from './program.ts'
import { glibcRegisters } from './registers.ts'
import { Searcher } from './search.ts'

export type { RegexError, RegexErrorCode } from './errors.ts'

export interface CompileOptions {
  /** REG_NEWLINE: `.` and `[^...]` stop at a newline, `^`/`$` match at line ends. */
  readonly newline?: boolean
  /** REG_NOSUB: only whether (and where) the whole pattern matches; no groups. */
  readonly nosub?: boolean
}

export interface ExecOptions {
  /** REG_NOTBOL: the subject's start is not a line start (`^` cannot match there). */
  readonly notbol?: boolean
  /** REG_NOTEOL: the subject's end is not a line end (`$` cannot match there). */
  readonly noteol?: boolean
  /**
   * Search from this offset; anchors still see the character before it (as re_search
   * does), unlike slicing the subject.
   */
  readonly from?: number
}

export interface Span {
  readonly start: number
  readonly end: number
}

export interface PosixMatch {
  readonly start: number
  readonly end: number
  /** spans[0] is the whole match, spans[i] group i; undefined if it took no part. */
  readonly spans: ReadonlyArray<Span | undefined>
}

export interface PosixRegex {
  readonly source: string
  /** Number of parenthesised groups (regex_t.re_nsub). */
  readonly groupCount: number
  exec(subject: string, options?: ExecOptions): PosixMatch | undefined
  test(subject: string, options?: ExecOptions): boolean
}

export type CompileResult =
  | { readonly ok: true; readonly regex: PosixRegex }
  | { readonly ok: false; readonly error: RegexError }

export function compilePosixRegex(pattern: string, options: CompileOptions = {}): CompileResult {
  const newline = options.newline === true
  const parsed = parseEre(pattern, { newline })
  if (!parsed.ok) return parsed
  const nosub = options.nosub === true
  const prog = buildProgram(parsed.value.tree, parsed.value.groupCount, { nosub })
  if (prog.count > 100_000) return { ok: false, error: regexError('TOO_LARGE', 0) }
  return { ok: true, regex: new CompiledRegex(pattern, prog, newline, nosub) }
}

class CompiledRegex implements PosixRegex {
  readonly source: string
  readonly groupCount: number
  private readonly prog: Program
  private readonly searcher: Searcher
  private readonly newline: boolean
  private readonly nosub: boolean

  constructor(source: string, prog: Program, newline: boolean, nosub: boolean) {
    this.source = source
    this.groupCount = prog.groupCount
    this.prog = prog
    this.searcher = new Searcher(prog)
    this.newline = newline
    this.nosub = nosub
  }

  exec(text: string, options: ExecOptions = {}): PosixMatch | undefined {
    const subject = {
      text,
      notbol: options.notbol === true,
      noteol: options.noteol === true,
      newline: this.newline,
    }
    const from = Math.max(0, Math.min(text.length, options.from ?? 0))
    const found = this.searcher.search(subject, from)
    if (found === undefined) return undefined
    const [start, end] = found
    const spans: (Span | undefined)[] = [{ start, end }]
    if (this.nosub || this.groupCount === 0) return { start, end, spans }
    const regs = glibcRegisters(this.prog, subject, start, end)
    // glibc reports no match at all when its capture walk dead-ends (see registers.ts).
    if (regs === undefined) return undefined
    for (let g = 1; g <= this.groupCount; g++) {
      const so = regs[2 * g] as number
      const eo = regs[2 * g + 1] as number
      spans.push(so < 0 || eo < 0 ? undefined : { start: so, end: eo })
    }
    return { start, end, spans }
  }

  test(text: string, options: ExecOptions = {}): boolean {
    const subject = {
      text,
      notbol: options.notbol === true,
      noteol: options.noteol === true,
      newline: this.newline,
    }
    return this.searcher.search(subject, Math.max(0, options.from ?? 0)) !== undefined
  }
}
