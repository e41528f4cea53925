/**
 * The overall match: leftmost, then longest. One forward pass over the subject keeps every
 * live NFA thread with the position it started at (a Thompson simulation): time is
 * O(subject length × program size) whatever the pattern, and no backtracking.
 * Threads are kept in order of their start, so when two reach the same state the earlier
 * start wins (it can only lead to a match at least as far left); once a match is seen,
 * threads that started later are dropped and no new ones are started.
 */

import { type ByteSet, emptySet, SET_SIZE } from './charset.ts'
import { ClosureCache } from './closure.ts'
import {
  byteAt,
  charContext,
  contextAt,
  contextBefore,
  PENDING_KINDS,
  type Subject,
  satisfiesAfter,
} from './context.ts'
import { N_ANCHOR, N_END, type Program } from './program.ts'

export class Searcher {
  private readonly prog: Program
  private readonly closures: ClosureCache
  /** Per before-context: the bytes that can start a match, and whether "" matches. */
  private readonly firstBytes: Array<ByteSet | undefined> = []
  private readonly startMatchesEmpty: boolean[] = []
  private readonly usesContext: boolean
  private readonly kernelNodes: Int32Array
  private readonly kernelStarts: Int32Array
  private readonly listCodes: Int32Array
  private readonly listStarts: Int32Array
  private readonly seen: Int32Array
  private readonly queued: Int32Array
  private stamp = 0

  constructor(prog: Program) {
    this.prog = prog
    this.closures = new ClosureCache(prog)
    let anchors = false
    for (let i = 0; i < prog.count; i++) if (prog.type[i] === N_ANCHOR) anchors = true
    this.usesContext = anchors
    const n = prog.count
    this.kernelNodes = new Int32Array(n + 1)
    this.kernelStarts = new Int32Array(n + 1)
    this.listCodes = new Int32Array(n * PENDING_KINDS)
    this.listStarts = new Int32Array(n * PENDING_KINDS)
    this.seen = new Int32Array(n * PENDING_KINDS)
    this.queued = new Int32Array(n)
  }

  private startInfo(before: number): ByteSet {
    const cached = this.firstBytes[before]
    if (cached !== undefined) return cached
    const set = emptySet()
    let empty = false
    for (const c of this.closures.get(this.prog.start, before)) {
      const x = Math.floor(c / PENDING_KINDS)
      if (this.prog.type[x] === N_END) empty = true
      else {
        const s = this.prog.sets[x] as ByteSet
        for (let b = 0; b < SET_SIZE; b++) if (s[b] === 1) set[b] = 1
      }
    }
    this.firstBytes[before] = set
    this.startMatchesEmpty[before] = empty
    return set
  }

  /** The leftmost-longest match at or after `from`, as [start, end], or undefined. */
  search(subject: Subject, from: number): [number, number] | undefined {
    const prog = this.prog
    const { text } = subject
    const len = text.length
    const usesContext = this.usesContext
    const kernelNodes = this.kernelNodes
    const kernelStarts = this.kernelStarts
    const listCodes = this.listCodes
    const listStarts = this.listStarts
    const seen = this.seen
    const queued = this.queued
    let kernelLength = 0
    let bestStart = -1
    let bestEnd = -1
    for (let p = from; p <= len; p++) {
      // Threads that consumed text[p - 1] see it as glibc's automaton does (a consumed
      // newline is a line end); a thread starting here sees the position's real context.
      const consumed = !usesContext || p === from ? 0 : charContext(text.charCodeAt(p - 1), true)
      let seedAt = kernelLength
      if (bestStart < 0) {
        if (kernelLength === 0) {
          // Nothing alive: skip ahead to a byte that can start a match.
          while (p < len) {
            const before = usesContext ? contextBefore(subject, p) : 0
            const first = this.startInfo(before)
            if (this.startMatchesEmpty[before] === true || first[byteAt(text, p)] === 1) break
            p++
          }
          seedAt = 0
        }
        kernelNodes[kernelLength] = prog.start
        kernelStarts[kernelLength] = p
        kernelLength++
      }
      const real = usesContext ? contextBefore(subject, p) : 0
      const after = usesContext ? contextAt(subject, p) : 0
      const stamp = ++this.stamp
      let listLength = 0
      for (let i = 0; i < kernelLength; i++) {
        const start = kernelStarts[i] as number
        const closure = this.closures.get(kernelNodes[i] as number, i < seedAt ? consumed : real)
        for (let j = 0; j < closure.length; j++) {
          const c = closure[j] as number
          if (seen[c] === stamp) continue
          seen[c] = stamp
          const x = (c / PENDING_KINDS) | 0
          if (x === prog.end) {
            if (!satisfiesAfter(c % PENDING_KINDS, after)) continue
            if (bestStart < 0 || start < bestStart) {
              bestStart = start
              bestEnd = p
            } else if (start === bestStart) bestEnd = p
            continue
          }
          listCodes[listLength] = c
          listStarts[listLength] = start
          listLength++
        }
      }
      if (p === len) break
      const byte = byteAt(text, p)
      const consuming = usesContext ? charContext(byte, true) : 0
      kernelLength = 0
      for (let i = 0; i < listLength; i++) {
        const start = listStarts[i] as number
        if (bestStart >= 0 && start > bestStart) break
        const c = listCodes[i] as number
        const x = (c / PENDING_KINDS) | 0
        if ((prog.sets[x] as ByteSet)[byte] !== 1) continue
        const pending = c % PENDING_KINDS
        if (pending !== 0 && !satisfiesAfter(pending, consuming)) continue
        const y = prog.next[x] as number
        if (queued[y] === stamp) continue
        queued[y] = stamp
        kernelNodes[kernelLength] = y
        kernelStarts[kernelLength] = start
        kernelLength++
      }
      if (kernelLength === 0 && bestStart >= 0) break
    }
    return bestStart < 0 ? undefined : [bestStart, bestEnd]
  }
}
