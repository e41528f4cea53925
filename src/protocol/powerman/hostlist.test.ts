import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { compressHostlist, expandHostlist } from './hostlist.ts'

describe('hostlists', () => {
  it('expand ranges, keep zero-padded widths and allow an empty prefix', () => {
    assert.deepEqual(expandHostlist('t[0-2],x'), { names: ['t0', 't1', 't2', 'x'] })
    assert.deepEqual(expandHostlist('p[09-11]'), { names: ['p09', 'p10', 'p11'] })
    assert.deepEqual(expandHostlist('[1-2,5]'), { names: ['1', '2', '5'] })
    assert.ok('error' in expandHostlist('t[3-1]'))
    assert.ok('error' in expandHostlist('t[1-'))
    assert.ok('error' in expandHostlist('a,,b'))
    assert.ok('error' in expandHostlist('n[1-999999999]'))
  })

  it('compress into the sorted bracketed form powerman prints', () => {
    assert.equal(
      compressHostlist(['t9', 't1', 't2', 't3', 't4', 't5', 't6', 't7', 't10', 't11']),
      't[1-7,9-11]',
    )
    assert.equal(compressHostlist(['8', '9', '10', '12']), '[8-10,12]')
    assert.equal(compressHostlist(['n5']), 'n5')
    assert.equal(compressHostlist(['p01', 'p02', 'p10', 'b']), 'b,p[01-02,10]')
  })

  it('expand what they compress', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(40), { minLength: 1, maxLength: 12 }),
        fc.constantFrom('n', 'rack-', ''),
        (nums, prefix) => {
          const names = nums.map((n) => `${prefix}${n}`)
          const back = expandHostlist(compressHostlist(names))
          assert.ok('names' in back)
          assert.deepEqual([...back.names].sort(), [...names].sort())
        },
      ),
    )
  })
})
