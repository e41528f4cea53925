import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DeviceStore } from '../devices/device-store.ts'
import { isGetVar, ReplyCache } from './reply-cache.ts'

describe('ReplyCache', () => {
  it('forgets every reply at any store change, and stays bounded', () => {
    const store = new DeviceStore()
    const device = store.add('ups')
    const cache = new ReplyCache(store, 2)
    cache.put('GET VAR ups ups.status', 'VAR ups ups.status "OL"\n')
    assert.equal(cache.get('GET VAR ups ups.status'), 'VAR ups ups.status "OL"\n')
    device.setValue('ups.status', 'OB')
    assert.equal(cache.get('GET VAR ups ups.status'), undefined)
    for (const change of [
      () => device.setCommState('ok'),
      () => device.latchFsd(),
      () => store.add('other'),
      () => device.deleteVariable('ups.status'),
    ]) {
      cache.put('GET VAR ups x', 'ERR VAR-NOT-SUPPORTED\n')
      change()
      assert.equal(cache.size, 0)
    }
    cache.put('a', '1')
    cache.put('b', '2')
    cache.put('c', '3')
    assert.ok(cache.size <= 2)
    assert.equal(cache.get('c'), '3')
    cache.dispose()
    cache.put('d', '4')
    device.setValue('ups.load', '1')
    assert.equal(cache.get('d'), '4', 'a disposed cache no longer listens')
  })

  it('knows GET VAR in any case and nothing else', () => {
    assert.ok(isGetVar(['GET', 'VAR', 'u', 'v']))
    assert.ok(isGetVar(['get', 'Var']))
    assert.ok(!isGetVar(['GET', 'TYPE', 'u', 'v']))
    assert.ok(!isGetVar(['GETX', 'VAR']))
    assert.ok(!isGetVar(['GET']))
  })
})
