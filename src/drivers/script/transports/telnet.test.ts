import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { TelnetFilter } from './telnet.ts'

const bytes = (...b: number[]) => String.fromCharCode(...b)

describe('telnet filter', () => {
  it('answers DO as powermand does and swallows the rest', () => {
    const out = new TelnetFilter().feed(
      `a${bytes(255, 253, 3)}b${bytes(255, 253, 24)}${bytes(255, 251, 1)}${bytes(255, 253, 99)}c${bytes(255, 255)}d${bytes(255, 241)}e`,
    )
    assert.equal(out.data, 'abc\xffde')
    assert.equal(out.reply, bytes(255, 251, 3, 255, 252, 24))
    assert.deepEqual(out.ignored, [99])
  })

  it('carries a command split across reads', () => {
    const f = new TelnetFilter()
    assert.deepEqual(f.feed(`x${bytes(255)}`), { data: 'x', reply: '', ignored: [] })
    assert.deepEqual(f.feed(bytes(253)), { data: '', reply: '', ignored: [] })
    assert.deepEqual(f.feed(`${bytes(6)}y`), { data: 'y', reply: bytes(255, 251, 6), ignored: [] })
  })

  it('gives the same data however the input is split, and passes IAC-free input as is', () => {
    const byte = fc.integer({ min: 0, max: 255 })
    fc.assert(
      fc.property(
        fc.array(byte, { maxLength: 200 }),
        fc.integer({ min: 1, max: 20 }),
        (list, size) => {
          const text = String.fromCharCode(...list)
          const whole = new TelnetFilter().feed(text)
          const split = new TelnetFilter()
          let data = ''
          let reply = ''
          for (let i = 0; i < text.length; i += size) {
            const out = split.feed(text.slice(i, i + size))
            data += out.data
            reply += out.reply
          }
          assert.equal(data, whole.data)
          assert.equal(reply, whole.reply)
          if (!list.includes(255)) assert.equal(whole.data, text)
        },
      ),
    )
  })
})
