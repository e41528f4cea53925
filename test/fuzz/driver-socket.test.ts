import assert from 'node:assert/strict'
import { describe } from 'node:test'
import fc from 'fast-check'
import { encodeSocketMessage, parseSocketLine } from '../../src/protocol/driver-socket.ts'
import { LineFramer } from '../../src/protocol/line-framer.ts'
import { tokenizeLine } from '../../src/protocol/tokenizer.ts'
import { assertBounded, fuzz, noisyText } from '../helpers/fuzz.ts'

// The driver state-socket face: what a NUT driver (or anything that can open its socket)
// sends to nutshell, and what nutshell's driver-socket server reads from real upsd
// (src/protocol/driver-socket.ts, driver-socket-framing.ts).
const words = [
  'SETINFO',
  'DELINFO',
  'ADDENUM',
  'DELENUM',
  'ADDRANGE',
  'DELRANGE',
  'SETAUX',
  'SETFLAGS',
  'ADDCMD',
  'DELCMD',
  'DUMPDONE',
  'DATAOK',
  'DATASTALE',
  'PONG',
  'TRACKING',
  'PID',
  'OK',
  'DUMPALL',
  'PING',
  'SET',
  'INSTCMD',
  'GETPID',
  'LOGOUT',
  'DUMPVALUE',
  'DUMPSTATUS',
  'NOBROADCAST',
  'BROADCAST',
  'setinfo',
  'tracking',
  'ups.status',
  '"OL CHRG"',
  'RW',
  'STRING:32',
  'NUMBER',
  '-2147483649',
  '99999999999',
  '12abc',
  '\\"',
  '\\#',
  ' ',
  '"',
  '#',
  '\x01',
  'é',
]
const kinds = new Set([
  'syntax',
  'empty',
  'unknown-command',
  'missing-arguments',
  'bad-number',
  'bad-form',
])

describe('fuzz: driver socket messages', () => {
  fuzz(
    'a message line never throws; what it accepts survives being sent again',
    noisyText(words),
    (line) => {
      const parsed = parseSocketLine(line)
      if (parsed.ok) {
        const again = parseSocketLine(encodeSocketMessage(parsed.message))
        assert.ok(again.ok, `re-encoded ${JSON.stringify(parsed.message)} parses`)
        assert.deepEqual(again.message, parsed.message)
        assertBounded(parsed.message, line.length, { base: 64, perUnit: 17 })
        return
      }
      const { kind, message, words: seen } = parsed.error
      assert.ok(kinds.has(kind), kind)
      assert.ok(message.length > 0)
      // The words the error carries are the line's own, unaltered.
      assert.deepEqual(seen, tokenizeLine(line).words)
      if (kind === 'unknown-command') assert.ok(message.includes(seen[0] ?? '\u0000'), message)
      if (kind === 'syntax') assert.notEqual(tokenizeLine(line).error, undefined)
    },
  )

  fuzz(
    'the framer holds at most one line, and every line it gives is the input between two LFs',
    fc.tuple(
      noisyText(words, 80),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.integer({ min: 1, max: 64 }),
    ),
    ([text, cuts, limit]) => {
      const framer = new LineFramer(limit)
      const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)
      const items: Array<{ kind: 'line'; line: string } | { kind: 'overflow' }> = []
      const sink = {
        line: (line: string) => items.push({ kind: 'line', line }),
        overflow: () => items.push({ kind: 'overflow' }),
      }
      let start = 0
      for (const p of [...points, text.length]) {
        framer.push(text.slice(start, p), sink)
        start = p
        assert.ok(framer.pending <= limit, 'never more than the limit held')
      }
      const complete = text.split('\n').slice(0, -1)
      const lines = items.flatMap((i) => (i.kind === 'line' ? [i.line] : []))
      // Lines come out in order, unaltered; only over-long ones are left out (and reported).
      let at = 0
      for (const line of lines) {
        while (at < complete.length && complete[at] !== line) {
          assert.ok((complete[at]?.length ?? 0) > limit, 'only an over-long line is skipped')
          at++
        }
        assert.ok(at < complete.length, `line ${JSON.stringify(line)} is in the input`)
        at++
      }
      const overflows = items.filter((i) => i.kind === 'overflow').length
      const longOnes = complete.filter((l) => l.length > limit).length
      assert.ok(overflows >= Math.min(1, longOnes), 'an over-long line is reported')
    },
  )
})
