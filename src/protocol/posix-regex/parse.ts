/**
 * ERE parser. It builds the same binary tree glibc's regcomp builds, on purpose: glibc
 * numbers its NFA nodes by a post-order walk of that tree and, when it assigns capture
 * groups, prefers the lower-numbered branch. Matching glibc's captures therefore needs
 * glibc's tree shapes: left-leaning alternation and concatenation, `x+` as `x x*`,
 * `x?` as `x|<empty>`, `x{2,4}` as `x x ((x x?)?)` spelled out copy by copy.
 */

import { addByteRange, addClass, type ByteSet, emptySet, negate, singleton } from './charset.ts'
import { type RegexError, type RegexErrorCode, regexError } from './errors.ts'
import {
  INSIDE_NOTWORD,
  INSIDE_WORD,
  NOT_WORD_DELIM,
  peekToken,
  Tok,
  type Token,
  WORD_DELIM,
  WORD_FIRST,
  WORD_LAST,
} from './tokens.ts'

export type Tree =
  | { readonly t: 'set'; readonly set: ByteSet }
  | { readonly t: 'anchor'; readonly constraint: number }
  | { readonly t: 'cat'; readonly l: Tree; readonly r: Tree }
  | { readonly t: 'alt'; readonly l: Tree | null; readonly r: Tree | null }
  | { readonly t: 'star'; readonly l: Tree }
  | { readonly t: 'sub'; readonly idx: number; l: Tree | null; opt: boolean }

export interface ParseOptions {
  /** REG_NEWLINE: `.` and `[^...]` do not match a newline. */
  readonly newline: boolean
}

export interface Parsed {
  /** null: the empty pattern (matches the empty string). */
  readonly tree: Tree | null
  readonly groupCount: number
}

/** glibc's RE_DUP_MAX. */
const DUP_MAX = 0x7fff
/** Cap on leaves after repetitions are spelled out, so a pattern cannot exhaust memory. */
const MAX_LEAVES = 20000

export function parseEre(
  pattern: string,
  options: ParseOptions,
): { ok: true; value: Parsed } | { ok: false; error: RegexError } {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern.charCodeAt(i) > 0xff) return { ok: false, error: regexError('NOT_BYTES', i) }
  }
  const parser = new Parser(pattern, options)
  const tree = parser.parse()
  if (parser.error !== undefined) return { ok: false, error: parser.error }
  return { ok: true, value: { tree, groupCount: parser.groupCount } }
}

class Parser {
  error: RegexError | undefined
  groupCount = 0
  private token: Token
  private pos = 0
  private leaves = 0
  /** Groups whose `)` has been seen (glibc refuses `\1` before group 1 is closed). */
  private completed = new Set<number>()

  private readonly src: string
  private readonly options: ParseOptions

  constructor(src: string, options: ParseOptions) {
    this.src = src
    this.options = options
    this.token = peekToken(src, 0)
    this.pos = this.token.len
  }

  /** The current token (a method, so the type checker does not narrow it across fetches). */
  private current(): Token {
    return this.token
  }

  parse(): Tree | null {
    return this.regExp(0)
  }

  private fetch(): Token {
    const token = peekToken(this.src, this.pos)
    this.pos += token.len
    this.token = token
    return token
  }

  private fail(code: RegexErrorCode, position = this.token.pos): null {
    this.error ??= regexError(code, position)
    return null
  }

  private leaf<T extends Tree>(tree: T): T {
    this.leaves++
    if (this.leaves > MAX_LEAVES) this.fail('TOO_LARGE')
    return tree
  }

  private regExp(nest: number): Tree | null {
    let tree = this.branch(nest)
    if (this.error) return null
    while (this.token.type === Tok.Alt) {
      this.fetch()
      let branch: Tree | null = null
      if (!this.endsBranch(nest)) {
        branch = this.branch(nest)
        if (this.error) return null
      }
      tree = { t: 'alt', l: tree, r: branch }
    }
    return tree
  }

  private endsBranch(nest: number): boolean {
    const type = this.token.type
    return type === Tok.Alt || type === Tok.End || (nest > 0 && type === Tok.CloseSub)
  }

  private branch(nest: number): Tree | null {
    let tree = this.expression(nest)
    if (this.error) return null
    while (!this.endsBranch(nest)) {
      const expr = this.expression(nest)
      if (this.error) return null
      if (tree !== null && expr !== null) tree = { t: 'cat', l: tree, r: expr }
      else if (tree === null) tree = expr
    }
    return tree
  }

  private expression(nest: number): Tree | null {
    const token = this.token
    let tree: Tree | null
    switch (token.type) {
      case Tok.Char:
      case Tok.CloseSub: // an unmatched `)` is an ordinary character in ERE
      case Tok.CloseDup:
        tree = this.leaf({ t: 'set', set: singleton(token.value) })
        break
      case Tok.Period: {
        const set = emptySet()
        negate(set)
        set[0] = 0 // RE_DOT_NOT_NULL
        if (this.options.newline) set[0x0a] = 0
        tree = this.leaf({ t: 'set', set })
        break
      }
      case Tok.OpenSub:
        tree = this.subExpression(nest + 1)
        if (this.error) return null
        break
      case Tok.OpenBracket:
        tree = this.bracket()
        if (this.error || tree === null) return null
        break
      case Tok.BackRef:
        if (!this.completed.has(token.value)) return this.fail('REG_ESUBREG')
        return this.fail('BACKREF_UNSUPPORTED')
      case Tok.Word:
      case Tok.NotWord:
      case Tok.Space:
      case Tok.NotSpace: {
        const set = emptySet()
        if (token.type === Tok.Word || token.type === Tok.NotWord) {
          addClass(set, 'alnum')
          set[0x5f] = 1
        } else addClass(set, 'space')
        if (token.type === Tok.NotWord || token.type === Tok.NotSpace) negate(set)
        tree = this.leaf({ t: 'set', set })
        break
      }
      case Tok.Anchor: {
        // glibc returns at once: an anchor takes no repetition, so in `^*` the `*` is an
        // operator with nothing before it.
        const c = token.value
        if (c === WORD_DELIM || c === NOT_WORD_DELIM) {
          const [first, last] =
            c === WORD_DELIM ? [WORD_FIRST, WORD_LAST] : [INSIDE_WORD, INSIDE_NOTWORD]
          tree = {
            t: 'alt',
            l: this.leaf({ t: 'anchor', constraint: first }),
            r: this.leaf({ t: 'anchor', constraint: last }),
          }
        } else tree = this.leaf({ t: 'anchor', constraint: c })
        this.fetch()
        return tree
      }
      case Tok.Star:
      case Tok.Plus:
      case Tok.Question:
      case Tok.OpenDup:
        return this.fail('REG_BADRPT')
      case Tok.Backslash:
        return this.fail('REG_EESCAPE')
      case Tok.Alt:
      case Tok.End:
        return null
      default:
        return this.fail('REG_BADPAT')
    }
    this.fetch()
    while (
      this.token.type === Tok.Star ||
      this.token.type === Tok.Plus ||
      this.token.type === Tok.Question ||
      this.token.type === Tok.OpenDup
    ) {
      tree = this.repetition(tree)
      if (this.error) return null
    }
    return tree
  }

  private subExpression(nest: number): Tree | null {
    const index = this.groupCount++
    const open = this.token
    this.fetch()
    let body: Tree | null = null
    if (this.token.type !== Tok.CloseSub) {
      body = this.regExp(nest)
      if (this.error) return null
      if (this.current().type !== Tok.CloseSub) return this.fail('REG_EPAREN', open.pos)
    }
    this.completed.add(index)
    return { t: 'sub', idx: index, l: body, opt: false }
  }

  /** Reads a number inside `{}` as glibc's fetch_number: -1 none, -2 invalid or unended. */
  private number(): number {
    let num = -1
    for (;;) {
      const token = this.fetch()
      if (token.type === Tok.End) return -2
      if (token.type === Tok.CloseDup || (token.type === Tok.Char && token.value === 0x2c)) break
      const digit = token.type === Tok.Char && token.value >= 0x30 && token.value <= 0x39
      num =
        !digit || num === -2
          ? -2
          : num === -1
            ? token.value - 0x30
            : Math.min(DUP_MAX + 1, num * 10 + token.value - 0x30)
    }
    return num
  }

  private repetition(element: Tree | null): Tree | null {
    const op = this.token
    let start: number
    let end: number
    if (op.type === Tok.OpenDup) {
      start = this.number()
      if (start === -1) {
        if (this.token.type === Tok.Char && this.token.value === 0x2c) start = 0
        else return this.fail('REG_BADBR', op.pos)
      }
      end = -2
      if (start !== -2) {
        if (this.token.type === Tok.CloseDup) end = start
        else if (this.token.type === Tok.Char && this.token.value === 0x2c) end = this.number()
      }
      if (start === -2 || end === -2)
        return this.fail(this.token.type === Tok.End ? 'REG_EBRACE' : 'REG_BADBR', op.pos)
      if ((end !== -1 && start > end) || this.token.type !== Tok.CloseDup)
        return this.fail('REG_BADBR', op.pos)
      if ((end === -1 ? start : end) > DUP_MAX) return this.fail('REG_ESIZE', op.pos)
    } else {
      start = op.type === Tok.Plus ? 1 : 0
      end = op.type === Tok.Question ? 1 : -1
    }
    this.fetch()
    if (element === null) return null
    if (start === 0 && end === 0) return null

    let elem = element
    let prefix: Tree | null = null
    if (start > 0) {
      let tree: Tree = elem
      for (let i = 2; i <= start; i++) {
        elem = this.duplicate(elem)
        tree = { t: 'cat', l: tree, r: elem }
        if (this.error) return null
      }
      if (start === end) return tree
      elem = this.duplicate(elem)
      prefix = tree
    }
    if (elem.t === 'sub') markOptional(elem, elem.idx)
    let tree: Tree = end === -1 ? { t: 'star', l: elem } : { t: 'alt', l: elem, r: null }
    for (let i = start + 2; i <= end; i++) {
      elem = this.duplicate(elem)
      tree = { t: 'alt', l: { t: 'cat', l: tree, r: elem }, r: null }
      if (this.error) return null
    }
    return prefix === null ? tree : { t: 'cat', l: prefix, r: tree }
  }

  private duplicate(tree: Tree): Tree {
    const copy = (node: Tree): Tree => {
      switch (node.t) {
        case 'set':
        case 'anchor':
          return this.leaf({ ...node })
        case 'cat':
          return { t: 'cat', l: copy(node.l), r: copy(node.r) }
        case 'alt':
          return {
            t: 'alt',
            l: node.l === null ? null : copy(node.l),
            r: node.r === null ? null : copy(node.r),
          }
        case 'star':
          return { t: 'star', l: copy(node.l) }
        case 'sub':
          // glibc's copies do not keep the optional mark (create_token_tree clears it).
          return { t: 'sub', idx: node.idx, l: node.l === null ? null : copy(node.l), opt: false }
      }
    }
    return copy(tree)
  }

  /** A bracket expression, read as glibc's parse_bracket_exp does in the C locale. */
  private bracket(): Tree | null {
    const src = this.src
    const open = this.token.pos
    let pos = this.pos
    const set = emptySet()
    let nonMatch = false
    // glibc says "invalid" rather than "unmatched" for a `[` or `[^` that ends the pattern.
    if (pos >= src.length) return this.fail('REG_BADPAT', open)
    if (src.charCodeAt(pos) === 0x5e) {
      nonMatch = true
      pos++
      if (pos >= src.length) return this.fail('REG_BADPAT', open)
    }
    let first = true
    for (;;) {
      const element = this.bracketElement(pos, first)
      if (typeof element === 'string') return this.fail(element, open)
      pos = element.next
      first = false
      if (pos >= src.length) return this.fail('REG_EBRACK', open)
      // A `-` after a character starts a range unless the bracket ends right after it.
      let range = false
      if (element.kind === 'char' && src.charCodeAt(pos) === 0x2d) {
        if (pos + 1 >= src.length) return this.fail('REG_EBRACK', open)
        range = src.charCodeAt(pos + 1) !== 0x5d
      }
      if (range) {
        const last = this.bracketElement(pos + 1, true)
        if (typeof last === 'string') return this.fail(last, open)
        if (element.kind !== 'char' || last.kind !== 'char') return this.fail('REG_ERANGE', open)
        if (element.value > last.value) return this.fail('REG_ERANGE', open)
        addByteRange(set, element.value, last.value)
        pos = last.next
      } else if (element.kind === 'class') {
        if (!addClass(set, element.name)) return this.fail('REG_ECTYPE', open)
      } else set[element.value] = 1
      if (pos >= src.length) return this.fail('REG_EBRACK', open)
      if (src.charCodeAt(pos) === 0x5d) break
    }
    pos++
    if (nonMatch) {
      negate(set)
      if (this.options.newline) set[0x0a] = 0
    }
    this.pos = pos
    return this.leaf({ t: 'set', set })
  }

  /**
   * A bracket element at `pos`. A `]` right after `[` or `[^` is ordinary; a `-` is
   * ordinary first or last, and anywhere else must end a range or be last.
   */
  private bracketElement(pos: number, acceptHyphen: boolean): BracketElement | RegexErrorCode {
    const src = this.src
    const c = src.charCodeAt(pos)
    if (c === 0x5b && pos + 1 < src.length) {
      const delim = src.charCodeAt(pos + 1)
      if (delim === 0x3a || delim === 0x3d || delim === 0x2e) {
        let i = pos + 2
        if (i >= src.length) return 'REG_EBRACK'
        let name = ''
        for (;;) {
          if (name.length >= 32) return 'REG_EBRACK'
          const ch = src.charCodeAt(i++)
          if (i >= src.length) return 'REG_EBRACK'
          if (ch === delim && src.charCodeAt(i) === 0x5d) break
          name += String.fromCharCode(ch)
        }
        const next = i + 1
        if (delim === 0x3a) return { kind: 'class', name, next }
        // [=x=] and [.x.]: the C locale has single-character collating elements only.
        if (name.length !== 1) return 'REG_ECOLLATE'
        return { kind: delim === 0x3d ? 'equiv' : 'char', value: name.charCodeAt(0), next }
      }
    }
    if (c === 0x2d && !acceptHyphen && src.charCodeAt(pos + 1) !== 0x5d) return 'REG_ERANGE'
    return { kind: 'char', value: c, next: pos + 1 }
  }
}

type BracketElement =
  | { readonly kind: 'char' | 'equiv'; readonly value: number; readonly next: number }
  | { readonly kind: 'class'; readonly name: string; readonly next: number }

/** glibc's mark_opt_subexp: the group directly under a `*`, `?` or `{0,n}` is optional. */
function markOptional(tree: Tree | null, idx: number): void {
  if (tree === null) return
  switch (tree.t) {
    case 'sub':
      if (tree.idx === idx) tree.opt = true
      markOptional(tree.l, idx)
      return
    case 'cat':
    case 'alt':
      markOptional(tree.l, idx)
      markOptional(tree.r, idx)
      return
    case 'star':
      markOptional(tree.l, idx)
      return
    default:
      return
  }
}
