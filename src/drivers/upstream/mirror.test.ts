import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DeviceStore } from '../../devices/device-store.ts'
import { typeWords } from '../../devices/variable.ts'
import { applySnapshot } from './mirror.ts'

const reserved = (name: string): boolean => name.startsWith('driver.')

describe('applySnapshot', () => {
  it('copies values, types, enums, ranges and commands, and removes what is gone', () => {
    const device = new DeviceStore().add('rep')
    device.setValue('driver.name', 'dummy-ups')
    applySnapshot(
      device,
      {
        variables: [
          { name: 'ups.id', value: 'a', type: { rw: true, kind: 'string', maxLength: 16 } },
          {
            name: 'input.transfer.high',
            value: '260',
            type: { rw: true, kind: 'number' },
            ranges: [{ min: 250, max: 270 }],
          },
          {
            name: 'ups.beeper.status',
            value: 'on',
            type: { rw: true, kind: 'string', maxLength: 8 },
            enums: ['on', 'off'],
          },
          { name: 'old.var', value: 'x', type: { rw: false, kind: 'number' } },
          { name: 'driver.name', value: 'usbhid-ups', type: { rw: false, kind: 'number' } },
        ],
        commands: ['load.off', 'beeper.toggle'],
      },
      reserved,
    )
    assert.deepEqual(
      device.listVariables().map((v) => `${v.name}=${v.value} ${typeWords(v).join(' ')}`),
      [
        'driver.name=dummy-ups NUMBER',
        'input.transfer.high=260 RW RANGE NUMBER',
        'old.var=x NUMBER',
        'ups.beeper.status=on RW ENUM STRING:8',
        'ups.id=a RW STRING:16',
      ],
    )
    assert.deepEqual(device.listCommands(), ['beeper.toggle', 'load.off'])

    // Later poll: old.var gone, enum changed, value changed without a type fetch.
    applySnapshot(
      device,
      {
        variables: [
          { name: 'ups.id', value: 'b' },
          { name: 'input.transfer.high', value: '265' },
          { name: 'ups.beeper.status', value: 'off', enums: ['off', 'on', 'muted'] },
        ],
        commands: ['load.off'],
      },
      reserved,
    )
    assert.equal(device.getVariable('old.var'), undefined)
    assert.equal(device.getValue('driver.name'), 'dummy-ups', 'reserved names are left alone')
    assert.equal(device.getValue('ups.id'), 'b')
    assert.deepEqual(device.getVariable('ups.id')?.maxLength, 16)
    assert.deepEqual(device.getVariable('ups.beeper.status')?.enums, ['off', 'on', 'muted'])
    assert.deepEqual(device.getVariable('input.transfer.high')?.ranges, [{ min: 250, max: 270 }])
    assert.deepEqual(device.listCommands(), ['load.off'])
  })
})
