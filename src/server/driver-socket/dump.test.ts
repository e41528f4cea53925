import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DeviceStore } from '../../devices/device-store.ts'
import { encodeSocketMessages } from '../../protocol/driver-socket.ts'
import { dumpMessages } from './dump.ts'
import { DeviceShadow } from './shadow.ts'

function sample() {
  const store = new DeviceStore()
  const device = store.add('ups')
  device.setValue('ups.status', 'OL')
  device.setValue('Battery.Charge', '100')
  device.setValue('ups.id', 'a # b')
  device.setFlags('ups.id', { writable: true, kind: 'string' })
  device.setMaxLength('ups.id', 16)
  device.setValue('input.transfer.low', '170')
  device.setFlags('input.transfer.low', { writable: true, kind: 'number' })
  device.addRange('input.transfer.low', 160, 180)
  device.addCommand('test.battery.start')
  device.addCommand('load.off')
  return { store, device }
}

describe('driver socket dump and broadcasts', () => {
  it('answers DUMPALL in a NUT driver order', () => {
    const { device } = sample()
    device.setCommState('ok')
    assert.equal(
      encodeSocketMessages(dumpMessages(device)),
      [
        'SETINFO Battery.Charge "100"',
        'SETINFO input.transfer.low "170"',
        'ADDRANGE input.transfer.low 160 180',
        'SETFLAGS input.transfer.low RW NUMBER',
        'SETINFO ups.id "a \\# b"',
        'SETAUX ups.id 16',
        'SETFLAGS ups.id RW STRING',
        'SETINFO ups.status "OL"',
        'ADDCMD load.off',
        'ADDCMD test.battery.start',
        'DATAOK',
        'DUMPDONE',
        '',
      ].join('\n'),
    )
    device.setCommState('stale')
    const stale = dumpMessages(device)
    assert.deepEqual(stale[0], { type: 'DATASTALE' })
    assert.ok(!stale.some((m) => m.type === 'DATAOK'))
  })

  it('turns store events into the incremental messages a driver sends', () => {
    const { store, device } = sample()
    device.setCommState('ok')
    const shadow = new DeviceShadow(device)
    const out: string[] = []
    store.onChange((change) => {
      out.push(...encodeSocketMessages(shadow.update(change)).split('\n').filter(Boolean))
    })
    device.setValue('ups.status', 'OB')
    device.addEnum('ups.id', 'x')
    device.deleteRange('input.transfer.low', 160, 180)
    device.setFlags('ups.id', { writable: false, kind: 'string' })
    device.deleteCommand('load.off')
    device.addCommand('beeper.mute')
    device.deleteVariable('Battery.Charge')
    device.setCommState('stale')
    device.setCommState('lost')
    device.setCommState('ok')
    assert.deepEqual(out, [
      'SETINFO ups.status "OB"',
      'ADDENUM ups.id "x"',
      'DELRANGE input.transfer.low 160 180',
      'SETFLAGS ups.id STRING',
      'DELCMD load.off',
      'ADDCMD beeper.mute',
      'DELINFO Battery.Charge',
      'DATASTALE',
      'DATAOK',
    ])
  })
})
