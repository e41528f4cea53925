/**
 * The NFA. Node numbers follow glibc's: a post-order walk of the parse tree, after glibc's
 * two rewrites (a group directly holding another group shares its registers with it, and
 * every group becomes open-marker, body, close-marker). The numbering is what decides
 * which of two possible paths glibc takes when it fills in capture groups.
 */

import type { ByteSet } from './charset.ts'
import type { Tree } from './parse.ts'

export const N_CHAR = 0
export const N_END = 1
export const N_OPEN = 2
export const N_CLOSE = 3
export const N_ALT = 4
export const N_STAR = 5
export const N_ANCHOR = 6

export interface Program {
  readonly count: number
  readonly type: Uint8Array
  /** The byte set of a character node (undefined for the others). */
  readonly sets: ReadonlyArray<ByteSet | undefined>
  /** Successor of a character node. */
  readonly next: Int32Array
  /** Epsilon successors, lowest number first; -1 when absent. */
  readonly eps1: Int32Array
  readonly eps2: Int32Array
  readonly constraint: Int32Array
  /** Register of an open or close marker. */
  readonly group: Int32Array
  /** glibc's opt_subexp: the marker's group is directly under `*`, `?` or `{0,n}`. */
  readonly optional: Uint8Array
  readonly start: number
  readonly end: number
  readonly groupCount: number
  /** Group i reports group map[i]'s registers (glibc's subexp_map), or undefined. */
  readonly groupMap: Int32Array | undefined
}

type Lowered =
  | { k: 'leaf'; id: number; type: number; set?: ByteSet; c?: number; g?: number; opt?: boolean }
  | { k: 'cat'; l: Lowered; r: Lowered }
  | { k: 'alt'; id: number; l: Lowered | null; r: Lowered | null }
  | { k: 'star'; id: number; l: Lowered }

export function buildProgram(
  tree: Tree | null,
  groupCount: number,
  options: { readonly nosub: boolean },
): Program {
  const map = new Int32Array(groupCount)
  for (let i = 0; i < groupCount; i++) map[i] = i
  if (tree !== null) mergeNestedGroups(tree, map)
  let mapped = false
  for (let i = 0; i < groupCount; i++) if (map[i] !== i) mapped = true

  const lowered: Lowered[] = []
  const leaf = (type: number, extra: Partial<Lowered & { k: 'leaf' }> = {}): Lowered => ({
    k: 'leaf',
    id: -1,
    type,
    ...extra,
  })
  const lower = (node: Tree): Lowered => {
    switch (node.t) {
      case 'set':
        return leaf(N_CHAR, { set: node.set })
      case 'anchor':
        return leaf(N_ANCHOR, { c: node.constraint })
      case 'cat':
        return { k: 'cat', l: lower(node.l), r: lower(node.r) }
      case 'alt':
        return {
          k: 'alt',
          id: -1,
          l: node.l === null ? null : lower(node.l),
          r: node.r === null ? null : lower(node.r),
        }
      case 'star':
        return { k: 'star', id: -1, l: lower(node.l) }
      case 'sub': {
        if (options.nosub && node.l !== null) return lower(node.l)
        const open = leaf(N_OPEN, { g: node.idx, opt: node.opt })
        const close = leaf(N_CLOSE, { g: node.idx, opt: node.opt })
        const body = node.l === null ? close : { k: 'cat' as const, l: lower(node.l), r: close }
        return { k: 'cat', l: open, r: body }
      }
    }
  }
  const end = leaf(N_END)
  const root: Lowered = tree === null ? end : { k: 'cat', l: lower(tree), r: end }

  // Post-order numbering (concatenations get no node of their own).
  const number = (node: Lowered | null): void => {
    if (node === null) return
    switch (node.k) {
      case 'cat':
        number(node.l)
        number(node.r)
        return
      case 'alt':
        number(node.l)
        number(node.r)
        break
      case 'star':
        number(node.l)
        break
      case 'leaf':
        break
    }
    node.id = lowered.length
    lowered.push(node)
  }
  number(root)

  const count = lowered.length
  const type = new Uint8Array(count)
  const sets: (ByteSet | undefined)[] = new Array(count).fill(undefined)
  const next = new Int32Array(count).fill(-1)
  const eps1 = new Int32Array(count).fill(-1)
  const eps2 = new Int32Array(count).fill(-1)
  const constraint = new Int32Array(count)
  const group = new Int32Array(count).fill(-1)
  const optional = new Uint8Array(count)
  const first = (node: Lowered): number => (node.k === 'cat' ? first(node.l) : node.id)
  const setEps = (id: number, a: number, b: number): void => {
    eps1[id] = Math.min(a, b)
    if (a !== b) eps2[id] = Math.max(a, b)
  }
  const link = (node: Lowered, after: number): void => {
    switch (node.k) {
      case 'cat':
        link(node.l, first(node.r))
        link(node.r, after)
        return
      case 'alt':
        type[node.id] = N_ALT
        setEps(
          node.id,
          node.l === null ? after : first(node.l),
          node.r === null ? after : first(node.r),
        )
        if (node.l !== null) link(node.l, after)
        if (node.r !== null) link(node.r, after)
        return
      case 'star':
        type[node.id] = N_STAR
        setEps(node.id, first(node.l), after)
        link(node.l, node.id)
        return
      case 'leaf':
        type[node.id] = node.type
        if (node.type === N_CHAR) {
          sets[node.id] = node.set
          next[node.id] = after
        } else if (node.type !== N_END) eps1[node.id] = after
        if (node.type === N_ANCHOR) constraint[node.id] = node.c ?? 0
        if (node.type === N_OPEN || node.type === N_CLOSE) {
          group[node.id] = node.g ?? -1
          optional[node.id] = node.opt === true ? 1 : 0
        }
        return
    }
  }
  link(root, -1)
  return {
    count,
    type,
    sets,
    next,
    eps1,
    eps2,
    constraint,
    group,
    optional,
    start: first(root),
    end: end.k === 'leaf' ? end.id : -1,
    groupCount,
    groupMap: mapped ? map : undefined,
  }
}

/**
 * glibc's optimize_subexps, pre-order: in `((x))` the inner group is dropped and reports
 * the outer group's registers. Each group is looked at once, so `(((x)))` keeps its
 * innermost group, as glibc does.
 */
function mergeNestedGroups(node: Tree | null, map: Int32Array): void {
  if (node === null) return
  switch (node.t) {
    case 'sub':
      if (node.l !== null && node.l.t === 'sub') {
        const inner = node.l
        node.l = inner.l
        map[inner.idx] = map[node.idx] ?? node.idx
      }
      mergeNestedGroups(node.l, map)
      return
    case 'cat':
    case 'alt':
      mergeNestedGroups(node.l, map)
      mergeNestedGroups(node.r, map)
      return
    case 'star':
      mergeNestedGroups(node.l, map)
      return
    default:
      return
  }
}
