import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseDeviceWhere } from './device-where.ts'

describe('device transports', () => {
  it('tell coprocess, serial and TCP apart as powermand does', () => {
    assert.deepEqual(parseDeviceWhere('/usr/sbin/vpcd -x|&', undefined).transport, {
      kind: 'coprocess',
      argv: ['/usr/sbin/vpcd', '-x'],
    })
    assert.deepEqual(parseDeviceWhere('/dev/ttyS0', '115200,7e2').transport, {
      kind: 'serial',
      path: '/dev/ttyS0',
      baud: 115200,
      dataBits: 7,
      parity: 'e',
      stopBits: 2,
    })
    assert.deepEqual(parseDeviceWhere('pdu1:23', 'quiet').transport, {
      kind: 'tcp',
      host: 'pdu1',
      port: 23,
      quiet: true,
    })
  })

  it('report what powermand refuses or mishandles', () => {
    const messages = (where: string, flags?: string) =>
      parseDeviceWhere(where, flags).problems.map((p) => `${p.severity} ${p.field}`)
    assert.deepEqual(messages('pdu1'), ['error where'])
    assert.deepEqual(messages('pdu1:0'), ['error where'])
    assert.deepEqual(messages('pdu1:23', 'loud'), ['error flags'])
    assert.deepEqual(messages('/dev/ttyS0'), ['error where'])
    assert.deepEqual(messages('/dev/ttyS0', '9601,8n1'), ['error flags'])
    assert.deepEqual(messages('vpcd |&'), ['warning where'])
  })
})
