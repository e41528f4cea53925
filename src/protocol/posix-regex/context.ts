/**
 * Position context for anchors, as glibc computes it: the character before a position and
 * the one after it are each "word", "newline" (only under REG_NEWLINE) or neither, and the
 * two ends of the subject are "buffer" ends that also count as newlines unless REG_NOTBOL /
 * REG_NOTEOL say otherwise.
 */

import { isWordByte, OTHER } from './charset.ts'
import {
  NEXT_ENDBUF,
  NEXT_NEWLINE,
  NEXT_NOTWORD,
  NEXT_WORD,
  PREV_BEGBUF,
  PREV_NEWLINE,
  PREV_NOTWORD,
  PREV_WORD,
} from './tokens.ts'

export const CTX_WORD = 1
export const CTX_NEWLINE = 2
export const CTX_BUF = 4

export interface Subject {
  readonly text: string
  readonly notbol: boolean
  readonly noteol: boolean
  /** REG_NEWLINE: a newline in the subject is a line end for `^` and `$`. */
  readonly newline: boolean
}

/** The byte at a position: a code unit, or OTHER above 0xFF. */
export function byteAt(text: string, p: number): number {
  const c = text.charCodeAt(p)
  return c > 0xff ? OTHER : c
}

/**
 * The context a character gives. `newline` says whether a newline counts as a line end:
 * glibc's position context says so only under REG_NEWLINE, but its matching automaton
 * treats a newline the match itself consumes as a line end always (so `a\n^b` matches
 * "a\nb" even without REG_NEWLINE). Both views are needed to agree with it.
 */
export function charContext(c: number, newline: boolean): number {
  if (c <= 0xff && isWordByte(c)) return CTX_WORD
  return c === 0x0a && newline ? CTX_NEWLINE : 0
}

/** The context of the character before p, as glibc's re_string_context_at gives it. */
export function contextBefore(subject: Subject, p: number): number {
  if (p === 0) return subject.notbol ? CTX_BUF : CTX_BUF | CTX_NEWLINE
  return charContext(subject.text.charCodeAt(p - 1), subject.newline)
}

/** The context of the character at p (the end of the subject past the last one). */
export function contextAt(subject: Subject, p: number): number {
  if (p === subject.text.length) return subject.noteol ? CTX_BUF : CTX_BUF | CTX_NEWLINE
  return charContext(subject.text.charCodeAt(p), subject.newline)
}

/** Whether the "before" half of an anchor's constraint holds. */
export function satisfiesBefore(constraint: number, before: number): boolean {
  if (constraint & PREV_NEWLINE && !(before & CTX_NEWLINE)) return false
  if (constraint & PREV_WORD && !(before & CTX_WORD)) return false
  if (constraint & PREV_NOTWORD && before & CTX_WORD) return false
  if (constraint & PREV_BEGBUF && !(before & CTX_BUF)) return false
  return true
}

/**
 * The "after" half of anchors passed on the way to a node, kept with the node (glibc
 * copies the nodes after an anchor with the constraint attached) and checked against
 * the character the node then consumes, or against the position where the match ends.
 */
export const PENDING_KINDS = 16

export function pendingOf(constraint: number): number {
  return (constraint >> 4) & 15
}

export function satisfiesAfter(pending: number, after: number): boolean {
  if (pending & (NEXT_NEWLINE >> 4) && !(after & CTX_NEWLINE)) return false
  if (pending & (NEXT_WORD >> 4) && !(after & CTX_WORD)) return false
  if (pending & (NEXT_NOTWORD >> 4) && after & CTX_WORD) return false
  if (pending & (NEXT_ENDBUF >> 4) && !(after & CTX_BUF)) return false
  return true
}
