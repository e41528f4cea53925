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
  PENDING_KINDS,
  pendingOf,
  type Subject,
  satisfiesAfter,
  satisfiesBefore,
} from './context.ts'
import { N_ANCHOR, N_CHAR, N_CLOSE, N_END, N_OPEN, type Program } from './program.ts'
import { NEXT_NOTWORD, NEXT_WORD } from './tokens.ts'

const CONTRADICTORY = (NEXT_WORD | NEXT_NOTWORD) >> 4

export function glibcRegisters(
  prog: Program,
  subject: Subject,
  s: number,
  e: number,
): Int32Array | undefined {
  const n = prog.count
  let stride = 1
  for (let x = 0; x < n; x++) {
    if (prog.type[x] === N_ANCHOR && pendingOf(prog.constraint[x] as number) !== 0) stride = PENDING_KINDS
  }
  const states = n * stride
  const words = (states + 31) >>> 5
  const rows = e - s + 1
  const alive = new Uint32Array(rows * words)
  const sifted = new Uint32Array(rows * words)
  const has = (bits: Uint32Array, row: number, c: number): boolean =>
    ((bits[row * words + (c >>> 5)] as number) & (1 << (c & 31))) !== 0
  const add = (bits: Uint32Array, row: number, c: number): void => {
    const i = row * words + (c >>> 5)
    bits[i] = (bits[i] as number) | (1 << (c & 31))
  }
  const node = (c: number): number => Math.floor(c / stride)
  const pendingOfState = (c: number): number => c % stride
  /** The epsilon successors of a state, lower-numbered node first. */
  const successors = (c: number): number[] => {
    const x = node(c)
    let pending = pendingOfState(c)
    if (prog.type[x] === N_ANCHOR) pending |= pendingOf(prog.constraint[x] as number)
    const out: number[] = []
    for (const y of [prog.eps1[x] as number, prog.eps2[x] as number]) {
      if (y >= 0) out.push(y * stride + pending)
    }
    return out
  }
  const { text } = subject

  // 1. Forward. Edges between alive states are kept per row for the backward pass.
  const reverse: Array<Map<number, number[]>> = []
  let kernel: number[] = [prog.start * stride]
  for (let row = 0; row < rows; row++) {
    const p = s + row
    const before = row === 0 ? contextBefore(subject, p) : charContext(text.charCodeAt(p - 1), true)
    const back = new Map<number, number[]>()
    reverse.push(back)
    const stack = kernel.map((c) => [c, -1] as const)
    const chars: number[] = []
    while (stack.length > 0) {
      const [c, from] = stack.pop() as readonly [number, number]
      const x = node(c)
      const type = prog.type[x]
      if (type === N_ANCHOR) {
        const constraint = prog.constraint[x] as number
        if (!satisfiesBefore(constraint, before)) continue
        const pending = pendingOfState(c) | pendingOf(constraint)
        if ((pending & CONTRADICTORY) === CONTRADICTORY) continue
      }
      if (from >= 0) {
        const list = back.get(c)
        if (list === undefined) back.set(c, [from])
        else list.push(from)
      }
      if (has(alive, row, c)) continue
      add(alive, row, c)
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
      if (!satisfiesAfter(pendingOfState(c), consuming)) continue
      kernel.push((prog.next[x] as number) * stride)
    }
  }

  // 2. Backward: from END at e (or a consuming state whose successor survived), back
  // over the epsilon edges seen in step 1.
  for (let row = rows - 1; row >= 0; row--) {
    const p = s + row
    const after = contextAt(subject, p)
    const stack: number[] = []
    for (let c = 0; c < states; c++) {
      if (!has(alive, row, c)) continue
      const x = node(c)
      if (row === rows - 1) {
        if (x === prog.end && satisfiesAfter(pendingOfState(c), after)) stack.push(c)
      } else if (prog.type[x] === N_CHAR) {
        if ((prog.sets[x] as ByteSet)[byteAt(text, p)] !== 1) continue
        if (!satisfiesAfter(pendingOfState(c), after)) continue
        if (has(sifted, row + 1, (prog.next[x] as number) * stride)) stack.push(c)
      }
    }
    const back = reverse[row] as Map<number, number[]>
    while (stack.length > 0) {
      const c = stack.pop() as number
      if (has(sifted, row, c)) continue
      add(sifted, row, c)
      for (const u of back.get(c) ?? []) if (!has(sifted, row, u)) stack.push(u)
    }
  }

  // 3. The walk.
  const registers = prog.groupCount + 1
  let regs = new Int32Array(registers * 2).fill(-1)
  regs[0] = s
  regs[1] = e
  let previous = regs.slice()
  const visited = new Set<number>()
  let cur = prog.start * stride
  let p = s
  let stepsHere = 0
  if (!has(sifted, 0, cur)) return undefined
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
      if (p === e) break
      return undefined
    }
    if (type === N_CHAR) {
      p++
      cur = (prog.next[x] as number) * stride
      visited.clear()
      stepsHere = 0
      continue
    }
    if (++stepsHere > 4 * states + 8) return undefined
    visited.add(cur)
    const row = p - s
    let dest = -1
    for (const candidate of successors(cur)) {
      if (!has(sifted, row, candidate)) continue
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
