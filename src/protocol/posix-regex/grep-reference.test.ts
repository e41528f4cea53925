/**
 * Whole matches against GNU grep -E -o (a second, independent implementation of POSIX
 * leftmost-longest: grep has its own DFA matcher). On one line, grep prints every
 * non-empty match, each search starting where the previous match ended.
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { compilePosixRegex } from './index.ts'
import { grepAll } from './test-support.ts'

/** Ours, the way grep -o walks a line. */
function allMatches(pattern: string, line: string): string[] | 'error' {
  const compiled = compilePosixRegex(pattern, { nosub: true })
  if (!compiled.ok) return 'error'
  const out: string[] = []
  let from = 0
  while (from <= line.length) {
    const m = compiled.regex.exec(line, { from })
    if (m === undefined) break
    if (m.end > m.start) {
      out.push(line.slice(m.start, m.end))
      from = m.end
    } else from = m.start + 1
  }
  return out
}

describe('posix-regex against GNU grep -E -o', () => {
  // A simpler pattern language than the glibc test's: grep's own parser differs from
  // regcomp's on odd corners (`{,n}`, `a|*b`, escapes of ordinary letters).
  const atom = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'c') },
    { weight: 1, arbitrary: fc.constantFrom('.', '[ab]', '[^a]', '[[:space:]]', '\\.') },
  )
  const pattern = fc.letrec((tie) => ({
    piece: fc
      .tuple(
        fc.oneof({ weight: 4, arbitrary: atom }, { weight: 1, arbitrary: tie('group') }),
        fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,2}'),
      )
      .map(([a, q]) => `${a}${q}`),
    branch: fc.array(tie('piece'), { minLength: 1, maxLength: 4 }).map((p) => p.join('')),
    alt: fc.array(tie('branch'), { minLength: 1, maxLength: 3 }).map((b) => b.join('|')),
    group: tie('alt').map((s) => `(${s})`),
  })).alt as fc.Arbitrary<string>
  const line = fc
    .array(fc.constantFrom('a', 'b', 'c', 'a', 'b', ' ', '.', 'x'), { maxLength: 16 })
    .map((c) => c.join(''))

  it('finds the same successive leftmost-longest matches', () => {
    fc.assert(
      fc.property(pattern, line, (p, l) => {
        assert.deepEqual(allMatches(p, l), grepAll(p, l), JSON.stringify({ p, l }))
      }),
      { numRuns: 300 },
    )
  })
})
