import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { parseIntegrationListen } from './listen-address.ts'

describe('integration listen addresses', () => {
  it('reads host:port and [v6]:port, refuses the rest with advice', () => {
    assert.deepEqual(parseIntegrationListen('127.0.0.1:9199'), { host: '127.0.0.1', port: 9199 })
    assert.deepEqual(parseIntegrationListen('[::1]:3551'), { host: '::1', port: 3551 })
    assert.match(String(parseIntegrationListen('localhost')), /is not host:port\nwrite e\.g\./)
    assert.equal(typeof parseIntegrationListen('a:70000'), 'string')
    fc.assert(fc.property(fc.string(), (s) => void parseIntegrationListen(s)))
  })
})
