import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { CollectingSink, LineFramer } from './line-framer.ts'

function feed(framer: LineFramer, ...chunks: string[]): CollectingSink {
  const sink = new CollectingSink()
  for (const chunk of chunks) framer.push(chunk, sink)
  return sink
}

/** What framing must give for `text`, however it is cut: the reference the property checks. */
function model(text: string, max: number): { lines: string[]; overflows: number; pending: number } {
  const parts = text.split('\n')
  const last = parts.pop() as string
  const lines = parts.filter((p) => p.length <= max)
  const overflows = parts.length - lines.length + (last.length > max ? 1 : 0)
  return { lines, overflows, pending: last.length > max ? 0 : last.length }
}

describe('LineFramer', () => {
  it('cuts lines at LF across chunks; CR stays in the line', () => {
    const framer = new LineFramer(100)
    assert.deepEqual(feed(framer, 'GET VAR a').lines, [])
    assert.equal(framer.pending, 9)
    assert.deepEqual(feed(framer, ' b\nLIST UPS\r\nVER\n').lines, [
      'GET VAR a b',
      'LIST UPS\r',
      'VER',
    ])
    assert.equal(framer.pending, 0)
    assert.deepEqual(feed(framer, '\n\n').lines, ['', ''])
  })

  it('accepts a line of exactly the limit and reports a longer one once, then reads on', () => {
    const framer = new LineFramer(8)
    const sink = feed(framer, '12345678\n123456789\nVER\n')
    assert.deepEqual(sink.lines, ['12345678', 'VER'])
    assert.deepEqual(sink.overflows, [9])
  })

  it('never holds more than the limit: a long unfinished line is dropped up to its LF', () => {
    const framer = new LineFramer(8)
    const sink = feed(framer, '12345', '6789', 'more and more', 'still\nVER\n')
    assert.deepEqual(sink.overflows, [9])
    assert.deepEqual(sink.lines, ['VER'])
    assert.equal(framer.pending, 0)
  })

  it('forgets a half line on reset', () => {
    const framer = new LineFramer(100)
    feed(framer, 'LIST V')
    framer.reset()
    assert.deepEqual(feed(framer, 'VER\n').lines, ['VER'])
    const skipping = new LineFramer(2)
    feed(skipping, 'abc')
    skipping.reset()
    assert.deepEqual(feed(skipping, 'ok\n').lines, ['ok'])
  })

  it('gives the same lines and overflows however the stream is cut (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('\n', '\r', 'a', ' '), fc.string({ maxLength: 12 })), {
          maxLength: 60,
        }),
        fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 20 }),
        (pieces, cuts, max) => {
          const text = pieces.join('')
          const framer = new LineFramer(max)
          const sink = new CollectingSink()
          let offset = 0
          let i = 0
          while (offset < text.length) {
            const size = cuts[i++ % cuts.length] as number
            framer.push(text.slice(offset, offset + size), sink)
            assert.ok(framer.pending <= max)
            offset += size
          }
          const want = model(text, max)
          assert.deepEqual(sink.lines, want.lines)
          assert.equal(sink.overflows.length, want.overflows)
          assert.equal(framer.pending, want.pending)
        },
      ),
    )
  })
})
