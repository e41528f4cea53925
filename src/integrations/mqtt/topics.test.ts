import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { commandAllowed, parseRequestTopic, topicLevel, topicScheme } from './topics.ts'

const scheme = topicScheme('nutshell', 'dc1')

describe('MQTT topic scheme', () => {
  it('names every topic under <prefix>/<site>', () => {
    assert.equal(scheme.bridgeStatus, 'nutshell/dc1/status')
    assert.equal(scheme.state('rack1'), 'nutshell/dc1/rack1/state')
    assert.equal(
      scheme.variable('rack1', 'battery.charge'),
      'nutshell/dc1/rack1/var/battery.charge',
    )
    assert.equal(scheme.outletSet('pdu', '3'), 'nutshell/dc1/pdu/outlet/3/set')
    assert.equal(topicLevel('a/b+c#'), 'a_b_c_')
  })

  it('reads back the request topics it subscribes to, and nothing else', () => {
    assert.deepEqual(parseRequestTopic(scheme, 'nutshell/dc1/ups/cmd/beeper.off'), {
      kind: 'instcmd',
      device: 'ups',
      name: 'beeper.off',
    })
    assert.deepEqual(parseRequestTopic(scheme, 'nutshell/dc1/pdu/outlet/2/set'), {
      kind: 'outlet',
      device: 'pdu',
      outlet: '2',
    })
    assert.equal(parseRequestTopic(scheme, 'nutshell/dc1/ups/state'), undefined)
    assert.equal(parseRequestTopic(scheme, 'nutshell/dc2/ups/cmd/x'), undefined)
  })

  it('never throws on any topic, and round-trips what it builds', () => {
    fc.assert(
      fc.property(fc.string(), (topic) => {
        parseRequestTopic(scheme, topic)
      }),
    )
    const level = fc.stringMatching(/^[a-z0-9._-]{1,12}$/)
    fc.assert(
      fc.property(level, level, (device, name) => {
        assert.deepEqual(parseRequestTopic(scheme, scheme.set(device, name)), {
          kind: 'set',
          device,
          name,
        })
      }),
    )
  })

  it('allows only what the allow-list names, per device or everywhere', () => {
    const allow = ['beeper.*', 'pdu1/outlet.*.load.*']
    assert.equal(commandAllowed(allow, 'ups', 'beeper.disable'), true)
    assert.equal(commandAllowed(allow, 'pdu1', 'outlet.3.load.off'), true)
    assert.equal(commandAllowed(allow, 'pdu2', 'outlet.3.load.off'), false)
    assert.equal(commandAllowed([], 'ups', 'beeper.off'), false)
    assert.equal(commandAllowed(['load.off'], 'ups', 'load.off.delay'), false)
  })
})
