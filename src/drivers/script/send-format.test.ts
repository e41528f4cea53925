import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { formatSend } from './send-format.ts'

describe('send formatting (printf with one string)', () => {
  it('puts the plug, the range or (null) in %s, and %% is a percent sign', () => {
    assert.equal(formatSend('on %s\r\n', '3'), 'on 3\r\n')
    assert.equal(formatSend('off %s\n', '[8-10,12]'), 'off [8-10,12]\n')
    assert.equal(formatSend('login %s\n', undefined), 'login (null)\n')
    assert.equal(formatSend('100%% %s', 'x'), '100% x')
    assert.equal(formatSend('[%4s|%-4s|%.2s]', 'abc'), '[ abc|abc |ab]')
  })

  it('leaves text without % alone', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('%')),
        fc.string(),
        (text, arg) => {
          assert.equal(formatSend(text, arg), text)
        },
      ),
    )
  })
})
