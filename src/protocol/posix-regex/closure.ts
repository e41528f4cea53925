/**
 * Epsilon closures. From a node, follow the epsilon edges at one position: anchors whose
 * "before" half fails stop the walk, their "after" half is carried along as a pending
 * condition (see context.ts). The result lists (node, pending) pairs packed as
 * node * PENDING_KINDS + pending.
 */

import { PENDING_KINDS, pendingOf, satisfiesBefore } from './context.ts'
import { N_ANCHOR, N_CHAR, N_END, type Program } from './program.ts'
import { NEXT_NOTWORD, NEXT_WORD } from './tokens.ts'

const CONTRADICTORY = (NEXT_WORD | NEXT_NOTWORD) >> 4

/**
 * Every (node, pending) pair reachable from `code` by epsilon edges when the character
 * before the position has context `before`; `visit` is called once per pair, in
 * depth-first order, lower-numbered successor first.
 */
export function walkClosure(
  prog: Program,
  code: number,
  before: number,
  visit: (code: number) => void,
): void {
  const mark = new Set<number>()
  const stack = [code]
  while (stack.length > 0) {
    const c = stack.pop() as number
    if (mark.has(c)) continue
    mark.add(c)
    const x = Math.floor(c / PENDING_KINDS)
    let pending = c % PENDING_KINDS
    const type = prog.type[x]
    if (type === N_ANCHOR) {
      const constraint = prog.constraint[x] as number
      if (!satisfiesBefore(constraint, before)) continue
      pending |= pendingOf(constraint)
      if ((pending & CONTRADICTORY) === CONTRADICTORY) continue
    }
    visit(c)
    if (type === N_CHAR || type === N_END) continue
    const b = prog.eps2[x] as number
    if (b >= 0) stack.push(b * PENDING_KINDS + pending)
    const a = prog.eps1[x] as number
    if (a >= 0) stack.push(a * PENDING_KINDS + pending)
  }
}

/** The character and END pairs of closures, cached per (before-context, node). */
export class ClosureCache {
  private readonly prog: Program
  private readonly cache: Array<Array<Int32Array | undefined>> = []

  constructor(prog: Program) {
    this.prog = prog
    for (let k = 0; k < 8; k++) this.cache.push([])
  }

  get(node: number, before: number): Int32Array {
    const byContext = this.cache[before] as Array<Int32Array | undefined>
    const cached = byContext[node]
    if (cached !== undefined) return cached
    const out: number[] = []
    const prog = this.prog
    walkClosure(prog, node * PENDING_KINDS, before, (c) => {
      const type = prog.type[Math.floor(c / PENDING_KINDS)]
      if (type === N_CHAR || type === N_END) out.push(c)
    })
    const result = Int32Array.from(out)
    byContext[node] = result
    return result
  }
}
