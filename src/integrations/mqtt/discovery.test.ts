import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { newVariable } from '../../devices/variable.ts'
import { discoveryMessages, objectId, stateJson } from './discovery.ts'
import { topicScheme } from './topics.ts'

const scheme = topicScheme('nutshell', 'local')

describe('Home Assistant discovery messages', () => {
  it('maps standard variables to sensors with device class, unit and state class', () => {
    const messages = discoveryMessages({
      scheme,
      site: 'local',
      discoveryPrefix: 'homeassistant',
      version: '0.1.0',
      device: {
        name: 'rack1',
        description: undefined,
        variables: [
          newVariable('input.voltage', '230'),
          newVariable('ups.status', 'OL'),
          newVariable('x.y', '1'),
        ],
        commands: ['test.battery.start'],
      },
    })
    const topics = messages.map((m) => m.topic)
    assert.deepEqual(topics, [
      'homeassistant/sensor/nutshell_local_rack1_input_voltage/config',
      'homeassistant/sensor/nutshell_local_rack1_ups_status/config',
      'homeassistant/binary_sensor/nutshell_local_rack1_on_battery/config',
      'homeassistant/binary_sensor/nutshell_local_rack1_low_battery/config',
      'homeassistant/button/nutshell_local_rack1_cmd_test_battery_start/config',
    ])
    const voltage = messages[0]?.payload
    assert.equal(voltage?.['device_class'], 'voltage')
    assert.equal(voltage?.['unit_of_measurement'], 'V')
    assert.equal(voltage?.['state_class'], 'measurement')
    assert.equal(
      messages[4]?.payload['command_topic'],
      'nutshell/local/rack1/cmd/test.battery.start',
    )
  })

  it('makes object ids HA accepts from any name', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        assert.match(objectId('nutshell', a, b), /^[a-zA-Z0-9_-]+$/)
      }),
    )
  })

  it('writes canonical decimals as numbers and keeps other text', () => {
    const state = JSON.parse(
      stateJson([
        newVariable('a', '85'),
        newVariable('b', '0012'),
        newVariable('c', '-1.5'),
        newVariable('d', '1e3'),
      ]),
    )
    assert.deepEqual(state, { a: 85, b: '0012', c: -1.5, d: '1e3' })
  })
})
