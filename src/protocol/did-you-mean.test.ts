import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { editDistance, suggest } from './did-you-mean.ts'

describe('did you mean', () => {
  it('suggests close spellings, case-insensitively', () => {
    assert.equal(suggest('drvier', ['driver', 'port', 'desc']), 'driver')
    assert.equal(suggest('DRIVER', ['driver', 'port']), 'driver')
    assert.equal(suggest('FDS', ['SET', 'FSD', 'LOGIN']), 'FSD')
    assert.equal(suggest('battery.charg', ['battery.charge', 'battery.runtime']), 'battery.charge')
  })

  it('knows abbreviations both ways', () => {
    assert.equal(suggest('SHUTDOWNCOMMAND', ['MONITOR', 'SHUTDOWNCMD', 'NOTIFYCMD']), 'SHUTDOWNCMD')
    assert.equal(suggest('shutdownCmd', ['shutdownCommand', 'notifyCommand']), 'shutdownCommand')
  })

  it('suggests nothing far away', () => {
    assert.equal(suggest('xyz', ['driver', 'port']), undefined)
    assert.equal(suggest('a'.repeat(100), ['a']), undefined)
  })

  it('counts a swap of neighbours as one edit', () => {
    assert.equal(editDistance('fsd', 'fds'), 1)
    assert.equal(editDistance('abc', 'abc'), 0)
  })

  it('distance is symmetric and never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        assert.equal(editDistance(a, b, 20), editDistance(b, a, 20))
        suggest(a, [b])
      }),
    )
  })
})
