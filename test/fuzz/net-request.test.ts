import assert from 'node:assert/strict'
import { isUtf8 } from 'node:buffer'
import { describe } from 'node:test'
import fc from 'fast-check'
import { encodeLine } from '../../src/protocol/encode.ts'
import { LineFramer } from '../../src/protocol/line-framer.ts'
import { parseRequestLine } from '../../src/protocol/net-request.ts'
import { tokenizeLine } from '../../src/protocol/tokenizer.ts'
import { assertBounded, chunked, fuzz, noisyBytes } from '../helpers/fuzz.ts'

// The NUT network face: what a client sends on port 3493, cut into lines and parsed into
// request words (src/protocol/net-request.ts).
const words = [
  'GET',
  'VAR',
  'LIST',
  'UPS',
  'CMD',
  'RW',
  'ENUM',
  'RANGE',
  'CLIENT',
  'SET',
  'INSTCMD',
  'USERNAME',
  'PASSWORD',
  'LOGIN',
  'LOGOUT',
  'PRIMARY',
  'MASTER',
  'FSD',
  'STARTTLS',
  'VER',
  'NETVER',
  'HELP',
  'WATCH',
  'TRACKING',
  'NUMLOGINS',
  'ups',
  'ups.status',
  '"OB LB"',
  '\\"',
  '\\\\',
  '\\#',
  'é',
  '\u{1F50B}',
  '\x00',
  '\x7f',
  '\x1b',
  ' ',
  '"',
  '#',
]
const decoder = new TextDecoder('utf-8')

/** True when `word`'s characters appear, in order, in `text`. */
function isSubsequence(word: string, text: string): boolean {
  let at = 0
  for (const ch of word) {
    at = text.indexOf(ch, at)
    if (at < 0) return false
    at += ch.length
  }
  return true
}

describe('fuzz: NUT network requests', () => {
  fuzz(
    'a request line never throws; accepted words are exactly what was sent',
    noisyBytes(words),
    (line) => {
      // The server reads Latin-1 (a character a byte) and checks UTF-8 per line.
      const parsed = parseRequestLine(Buffer.from(line).toString('latin1'))
      if (parsed.kind === 'request') {
        // No byte was dropped or replaced: the input was text, each word comes from it, and
        // the words survive being sent again.
        assert.ok(isUtf8(line), 'only valid UTF-8 is accepted')
        const text = decoder.decode(line)
        for (const word of parsed.words)
          assert.ok(isSubsequence(word, text), `${word} from ${text}`)
        assert.deepEqual(tokenizeLine(encodeLine(parsed.words)).words, parsed.words)
        assertBounded(parsed.words, line.length, { base: 16, perUnit: 17 })
        return
      }
      // A rejection names what is wrong, and that is really in the input.
      assert.ok(parsed.message.length > 0)
      const text = decoder.decode(line)
      switch (parsed.problem) {
        case 'invalid-utf8':
          assert.ok(!isUtf8(line))
          break
        case 'control-character':
          assert.match(text, /[\x00-\x1f\x7f]/)
          break
        case 'hash-in-quotes':
          assert.ok(text.includes('#') && text.includes('"'))
          break
        case 'unterminated-quote':
          assert.ok(text.includes('"'))
          break
        case 'trailing-backslash':
          assert.ok(text.includes('\\'))
          break
      }
    },
  )

  fuzz(
    'the line splitter gives the same lines however the bytes are cut, and holds at most the limit',
    fc.tuple(
      noisyBytes(words, 80),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.integer({ min: 1, max: 64 }),
    ),
    ([bytes, cuts, limit]) => {
      const frame = (chunks: readonly Uint8Array[]) => {
        const framer = new LineFramer(limit)
        const lines: string[] = []
        let overflow = false
        const sink = {
          line: (l: string) => lines.push(l),
          overflow: () => {
            overflow = true
          },
        }
        for (const chunk of chunks) {
          framer.push(Buffer.from(chunk).toString('latin1'), sink)
          assert.ok(framer.pending <= limit, 'never more than one line held')
        }
        return { lines, overflow, pending: framer.pending }
      }
      const whole = frame([bytes])
      const cut = frame(chunked(bytes, cuts))
      assert.equal(cut.overflow, whole.overflow)
      assert.deepEqual(cut.lines, whole.lines)
      if (!cut.overflow) {
        // Every byte is in a line or still pending: lines + LFs are the input's prefix.
        const joined = cut.lines.map((l) => `${l}\n`).join('')
        assert.equal(joined, Buffer.from(bytes.subarray(0, joined.length)).toString('latin1'))
        assert.equal(joined.length + cut.pending, bytes.length)
      }
    },
  )
})
