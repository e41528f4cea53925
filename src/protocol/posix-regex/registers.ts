/**
 * Capture groups for a known overall match [s, e], the way glibc's regexec assigns them
 * (it is what powermand uses, so it is the behaviour scripts were written against):
 *
 * 1. forward: the NFA states alive at each position of the match, starting at s;
 * 2. backward ("sifting"): keep only the states from which the match can still end at e;
 * 3. one walk from the start node: at a fork take the lowest-numbered successor that
 *    survived sifting (the second one if the first was already visited since the last
 *    character, which is how glibc gets out of `(a*)*`), recording the group markers
 *    passed, with glibc's rule for empty iterations of an optional group.
 *
 * This is not POSIX's rule for subexpressions (each leftmost-longest in turn): e.g. for
 * `(a|ab)(bc|c)` on "abc" glibc gives group 1 = "a", POSIX asks for "ab". We match glibc.
 * A state is a node with the pending "after" conditions of anchors passed (see
 * context.ts). Like glibc, the sifting checks those conditions against the subject's
 * real context, so `(a)$\nb` does not match "a\nb" while `a$\nb` does (glibc's own
 * inconsistency between its automaton and its sifting, kept on purpose).
 * Time and memory are O((e - s) × program size).
 */

import type { ByteSet } from './charset.ts'
import {
  byteAt,
  charContext,
  contextAt,
  contextBefore,
  pendingOf,
  type Subject,
  satisfiesAfter,
  satisfiesBefore,
} from './context.ts'
import { N_ANCHOR, N_CHAR, N_CLOSE, N_END, N_OPEN, type Program } from './program.ts'
import { NEXT_NOTWORD, NEXT_WORD } from './tokens.ts'

const CONTRADICTORY = (NEXT_WORD | NEXT_NOTWORD) >> 4

/** States are (node, constraints of the anchors passed), packed as node * 256 + bits. */
const KINDS = 256

export function glibcRegisters(
  prog: Program,
  subject: Subject,
  s: number,
  e: number,
): Int32Array | undefined {
  const rows = e - s + 1
  const alive: Array<Set<number>> = []
  const sifted: Array<Set<number>> = []
  const node = (c: number): number => Math.floor(c / KINDS)
  const bitsOf = (c: number): number => c % KINDS
  const after = (c: number): number => pendingOf(bitsOf(c))
  /** The epsilon successors of a state, lower-numbered node first. */
  const successors = (c: number): number[] => {
    const x = node(c)
    let bits = bitsOf(c)
    if (prog.type[x] === N_ANCHOR) bits |= prog.constraint[x] as number
    const out: number[] = []
    for (const y of [prog.eps1[x] as number, prog.eps2[x] as number]) {
      if (y >= 0) out.push(y * KINDS + bits)
    }
    return out
  }
  const { text } = subject

  // 1. Forward. Edges between alive states are kept per row for the backward pass.
  const reverse: Array<Map<number, number[]>> = []
  let kernel: number[] = [prog.start * KINDS]
  for (let row = 0; row < rows; row++) {
    const p = s + row
    const before = row === 0 ? contextBefore(subject, p) : charContext(text.charCodeAt(p - 1), true)
    const here = new Set<number>()
    alive.push(here)
    const back = new Map<number, number[]>()
    reverse.push(back)
    const stack = kernel.map((c) => [c, -1] as [number, number])
    const chars: number[] = []
    while (stack.length > 0) {
      const [c, from] = stack.pop() as [number, number]
      const x = node(c)
      const type = prog.type[x]
      if (type === N_ANCHOR) {
        const constraint = prog.constraint[x] as number
        if (!satisfiesBefore(constraint, before)) continue
        const pending = after(c) | pendingOf(constraint)
        if ((pending & CONTRADICTORY) === CONTRADICTORY) continue
      }
      if (from >= 0) {
        const list = back.get(c)
        if (list === undefined) back.set(c, [from])
        else list.push(from)
      }
      if (here.has(c)) continue
      here.add(c)
      if (type === N_CHAR) chars.push(c)
      else if (type !== N_END) for (const d of successors(c)) stack.push([d, c])
    }
    if (p === e) break
    const byte = byteAt(text, p)
    const consuming = charContext(byte, true)
    kernel = []
    for (const c of chars) {
      const x = node(c)
      if ((prog.sets[x] as ByteSet)[byte] !== 1) continue
      if (!satisfiesAfter(after(c), consuming)) continue
      kernel.push((prog.next[x] as number) * KINDS)
    }
  }

  // 2. Backward, from one end state: glibc's halt node is the lowest-numbered END copy
  // alive at e, and its copies made after anchors come after the original.
  let halt = -1
  const atEnd = contextAt(subject, e)
  for (const c of alive[rows - 1] as Set<number>) {
    if (node(c) !== prog.end || !satisfiesAfter(after(c), atEnd)) continue
    if (halt < 0 || bitsOf(c) < bitsOf(halt)) halt = c
  }
  if (halt < 0) return undefined
  for (let row = rows - 1; row >= 0; row--) {
    const p = s + row
    const context = contextAt(subject, p)
    const stack: number[] = []
    const here = new Set<number>()
    sifted[row] = here
    if (row === rows - 1) stack.push(halt)
    else {
      const byte = byteAt(text, p)
      const next = sifted[row + 1] as Set<number>
      for (const c of alive[row] as Set<number>) {
        const x = node(c)
        if (prog.type[x] !== N_CHAR || (prog.sets[x] as ByteSet)[byte] !== 1) continue
        // glibc checks a copy's "after" condition here against the real context.
        if (!satisfiesAfter(after(c), context)) continue
        if (next.has((prog.next[x] as number) * KINDS)) stack.push(c)
      }
    }
    const back = reverse[row] as Map<number, number[]>
    while (stack.length > 0) {
      const c = stack.pop() as number
      if (here.has(c)) continue
      here.add(c)
      for (const u of back.get(c) ?? []) if (!here.has(u)) stack.push(u)
    }
  }

  // 3. The walk.
  const registers = prog.groupCount + 1
  let regs = new Int32Array(registers * 2).fill(-1)
  regs[0] = s
  regs[1] = e
  let previous = regs.slice()
  const visited = new Set<number>()
  let cur = prog.start * KINDS
  let p = s
  let stepsHere = 0
  const limit = 4 * prog.count * 8 + 8
  if (!(sifted[0] as Set<number>).has(cur)) return undefined
  for (;;) {
    const x = node(cur)
    const type = prog.type[x]
    if (type === N_OPEN || type === N_CLOSE) {
      const r = (prog.group[x] as number) + 1
      if (type === N_OPEN) {
        regs[2 * r] = p
        regs[2 * r + 1] = -1
      } else if ((regs[2 * r] as number) < p) {
        regs[2 * r + 1] = p
        previous = regs.slice()
      } else if (prog.optional[x] === 1 && (previous[2 * r] as number) !== -1) {
        // An empty pass through an optional group after a real one: undo it.
        regs = previous.slice()
      } else regs[2 * r + 1] = p
    }
    if (x === prog.end) {
      if (p === e && cur === halt) break
      return undefined
    }
    if (type === N_CHAR) {
      p++
      cur = (prog.next[x] as number) * KINDS
      visited.clear()
      stepsHere = 0
      continue
    }
    if (++stepsHere > limit) return undefined
    visited.add(cur)
    const row = sifted[p - s] as Set<number>
    let dest = -1
    for (const candidate of successors(cur)) {
      if (!row.has(candidate)) continue
      if (dest < 0) dest = candidate
      else {
        if (visited.has(dest)) dest = candidate
        break
      }
    }
    if (dest < 0) return undefined
    cur = dest
  }

  const map = prog.groupMap
  if (map !== undefined) {
    for (let g = 0; g < prog.groupCount; g++) {
      const to = map[g] as number
      if (to !== g) {
        regs[2 * (g + 1)] = regs[2 * (to + 1)] as number
        regs[2 * (g + 1) + 1] = regs[2 * (to + 1) + 1] as number
      }
    }
  }
  return regs
}
