import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { DeviceChange } from './device.ts'
import { DeviceStore } from './device-store.ts'
import { cAtoi, validateSet } from './set-validation.ts'
import { typeWords } from './variable.ts'

function storeWithLog(): { store: DeviceStore; changes: DeviceChange[] } {
  const store = new DeviceStore()
  const changes: DeviceChange[] = []
  store.onChange((change) => changes.push(change))
  return { store, changes }
}

describe('DeviceStore', () => {
  it('keeps devices in insertion order and finds them without regard to case', () => {
    const { store } = storeWithLog()
    store.add('zeta')
    store.add('Alpha', 'first')
    assert.deepEqual(
      store.list().map((d) => d.name),
      ['zeta', 'Alpha'],
    )
    assert.equal(store.get('ALPHA')?.description, 'first')
    assert.throws(() => store.add('ZETA'))
  })

  it('tells every settled SET and instant command, a throwing driver as ERR FAILED', async () => {
    const { store, changes } = storeWithLog()
    const settled: unknown[] = []
    store.onCommandSettled((r) => settled.push(r))
    const ups = store.add('ups')
    assert.equal(await ups.requestSet('ups.id', 'x'), 'ERR FAILED') // no driver attached yet
    ups.attachController({
      setVariable: async () => 'SUCCESS',
      instantCommand: async () => {
        throw new Error('gone')
      },
    })
    assert.equal(await ups.requestSet('ups.id', 'y'), 'SUCCESS')
    assert.equal(await ups.requestInstantCommand('test.battery.start', undefined), 'ERR FAILED')
    assert.deepEqual(settled, [
      { device: 'ups', kind: 'set', name: 'ups.id', outcome: 'ERR FAILED' },
      { device: 'ups', kind: 'set', name: 'ups.id', outcome: 'SUCCESS' },
      { device: 'ups', kind: 'instcmd', name: 'test.battery.start', outcome: 'ERR FAILED' },
    ])
    // Results are not device changes: caches keyed on changes stay valid.
    assert.deepEqual(
      changes.map((c) => c.kind),
      ['device-added'],
    )
  })

  it('emits one event per real change and none for a same-value write', () => {
    const { store, changes } = storeWithLog()
    const ups = store.add('ups')
    ups.setValue('battery.charge', '100')
    ups.setValue('BATTERY.CHARGE', '100')
    ups.setValue('battery.charge', '99')
    ups.deleteVariable('battery.charge')
    ups.deleteVariable('battery.charge')
    assert.deepEqual(
      changes.map((c) => c.kind),
      ['device-added', 'variable', 'variable', 'variable-removed'],
    )
    const update = changes[2]
    assert.ok(update?.kind === 'variable')
    assert.equal(update.previous, '100')
  })

  it('lists variables and commands in ascending case-insensitive order', () => {
    const { store } = storeWithLog()
    const ups = store.add('ups')
    for (const name of ['ups.status', 'Battery.charge', 'input.voltage', 'battery.Runtime']) {
      ups.setValue(name, 'x')
    }
    assert.deepEqual(
      ups.listVariables().map((v) => v.name),
      ['Battery.charge', 'battery.Runtime', 'input.voltage', 'ups.status'],
    )
    ups.addCommand('test.battery.start')
    ups.addCommand('Load.off')
    ups.addCommand('load.OFF')
    assert.deepEqual(ups.listCommands(), ['Load.off', 'test.battery.start'])
  })

  it('tracks comm state and the FSD latch', () => {
    const { store, changes } = storeWithLog()
    const ups = store.add('ups')
    assert.equal(ups.commState, 'lost')
    ups.setCommState('ok')
    ups.setCommState('ok')
    ups.latchFsd()
    ups.latchFsd()
    assert.deepEqual(
      changes.slice(1).map((c) => c.kind),
      ['comm', 'fsd'],
    )
    assert.equal(ups.fsdLatched, true)
  })

  it('routes SET and INSTCMD to the controller and turns failures into ERR FAILED', async () => {
    const { store } = storeWithLog()
    const ups = store.add('ups')
    assert.equal(await ups.requestSet('x', 'y'), 'ERR FAILED')
    const calls: string[] = []
    ups.attachController({
      setVariable: async (name, value) => {
        calls.push(`${name}=${value}`)
        return 'SUCCESS'
      },
      instantCommand: async () => {
        throw new Error('boom')
      },
    })
    assert.equal(await ups.requestSet('ups.id', 'a b'), 'SUCCESS')
    assert.equal(await ups.requestInstantCommand('load.off', undefined), 'ERR FAILED')
    assert.deepEqual(calls, ['ups.id=a b'])
  })
})

describe('variable metadata', () => {
  it('builds GET TYPE words in upsd order', () => {
    const store = new DeviceStore()
    const ups = store.add('ups')
    ups.setValue('a', '1')
    assert.deepEqual(typeWords(ups.getVariable('a')!), ['NUMBER'])
    ups.setFlags('a', { writable: true, kind: 'string' })
    ups.setMaxLength('a', 16)
    assert.deepEqual(typeWords(ups.getVariable('a')!), ['RW', 'STRING:16'])
    ups.setFlags('a', { writable: true, kind: 'number' })
    ups.addEnum('a', '1')
    ups.addRange('a', 0, 10)
    assert.deepEqual(typeWords(ups.getVariable('a')!), ['RW', 'ENUM', 'RANGE', 'NUMBER'])
  })

  it('validates SET as upsd does', () => {
    const store = new DeviceStore()
    const ups = store.add('ups')
    ups.setValue('ro', 'x')
    ups.setValue('id', 'x')
    ups.setFlags('id', { writable: true, kind: 'string' })
    ups.setMaxLength('id', 4)
    ups.setValue('nolen', 'x')
    ups.setFlags('nolen', { writable: true, kind: 'string' })
    ups.setValue('pick', 'a')
    ups.setFlags('pick', { writable: true, kind: 'number' })
    ups.addEnum('pick', 'a')
    ups.setValue('range', '5')
    ups.setFlags('range', { writable: true, kind: 'number' })
    ups.addRange('range', 0, 100)
    assert.equal(validateSet(ups, 'missing', 'x'), 'VAR-NOT-SUPPORTED')
    assert.equal(validateSet(ups, 'ro', 'x'), 'READONLY')
    assert.equal(validateSet(ups, 'nolen', 'x'), 'SET-FAILED')
    assert.equal(validateSet(ups, 'ID', 'abcd'), undefined)
    assert.equal(validateSet(ups, 'id', 'abcde'), 'TOO-LONG')
    assert.equal(validateSet(ups, 'id', 'éé'), undefined)
    assert.equal(validateSet(ups, 'id', 'ééé'), 'TOO-LONG')
    assert.equal(validateSet(ups, 'pick', 'A'), 'INVALID-VALUE')
    assert.equal(validateSet(ups, 'range', '250abc'), 'INVALID-VALUE')
    assert.equal(validateSet(ups, 'range', '50abc'), undefined)
    assert.equal(cAtoi('  -12x'), -12)
    assert.equal(cAtoi('x'), 0)
  })
})
