import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sampleStore } from '../../../test/helpers/nut-server-fixture.ts'
import { commandHarness } from '../../../test/helpers/server-context.ts'

async function admin(store: ReturnType<typeof sampleStore>['store']) {
  const harness = commandHarness(store)
  const s = harness.session()
  await s.run('USERNAME admin')
  await s.run('PASSWORD adminpass')
  return { harness, s }
}

describe('SET', () => {
  it('forwards a valid SET to the driver with the canonical name', async () => {
    const { store, calls } = sampleStore()
    const { s } = await admin(store)
    assert.equal(await s.run('SET VAR dummy UPS.ID "My UPS"'), 'OK')
    assert.deepEqual(calls, [{ kind: 'set', name: 'ups.id', value: 'My UPS' }])
    assert.equal(await s.run('GET VAR dummy ups.id'), 'VAR dummy ups.id "My UPS"')
    // Extra words are ignored, as upsd ignores them (PyNUT sends values unquoted).
    assert.equal(await s.run('SET VAR dummy ups.id with space'), 'OK')
    assert.equal(calls.at(-1)?.value, 'with')
  })

  it('checks in upsd order and refuses with upsd words', async () => {
    const { store, dummy } = sampleStore()
    dummy.setValue('bad.aux', 'x')
    dummy.setFlags('bad.aux', { writable: true, kind: 'string' })
    const { s } = await admin(store)
    const cases: Array<[string, string]> = [
      ['SET VAR nosuch ups.id x', 'ERR UNKNOWN-UPS'],
      ['SET VAR dummy nosuch x', 'ERR VAR-NOT-SUPPORTED'],
      ['SET VAR dummy driver.name x', 'ERR READONLY'],
      ['SET VAR dummy ups.id "this value is definitely longer than sixteen"', 'ERR TOO-LONG'],
      ['SET VAR dummy bad.aux y', 'ERR SET-FAILED'],
      ['SET VAR dummy input.transfer.low 175', 'ERR INVALID-VALUE'],
      ['SET VAR dummy input.transfer.low 170', 'OK'],
      ['SET VAR dummy input.transfer.high 275', 'ERR INVALID-VALUE'],
      ['SET VAR dummy input.transfer.high 285abc', 'OK'],
      ['SET VAR dummy battery.charge notanumber', 'OK'],
      ['SET', 'ERR INVALID-ARGUMENT'],
      ['SET VAR', 'ERR INVALID-ARGUMENT'],
      ['SET VAR dummy ups.id', 'ERR INVALID-ARGUMENT'],
      ['SET TRACKING', 'ERR INVALID-ARGUMENT'],
      ['SET TRACKING maybe', 'ERR INVALID-ARGUMENT'],
      ['SET FOO a b c', 'ERR INVALID-ARGUMENT'],
    ]
    for (const [line, expected] of cases) assert.equal(await s.run(line), expected, line)
    dummy.setCommState('stale')
    assert.equal(await s.run('SET VAR dummy ups.id x'), 'ERR DATA-STALE')
  })

  it('needs the SET action and the right password', async () => {
    const { store } = sampleStore()
    const harness = commandHarness(store)
    const viewer = harness.session()
    await viewer.run('USERNAME viewer')
    await viewer.run('PASSWORD viewpass')
    assert.equal(await viewer.run('SET VAR dummy ups.id x'), 'ERR ACCESS-DENIED')
    // SET TRACKING needs only some USERNAME and PASSWORD.
    assert.equal(await viewer.run('SET TRACKING ON'), 'OK')
    const wrong = harness.session()
    await wrong.run('USERNAME admin')
    await wrong.run('PASSWORD nope')
    // The credentials are checked before the variable: no probing without a password.
    assert.equal(await wrong.run('SET VAR dummy nosuch x'), 'ERR ACCESS-DENIED')
    assert.deepEqual(harness.refusals, ['127.0.0.1'])
  })

  it('tracks results when asked', async () => {
    const { store, dummy } = sampleStore()
    let finish: (outcome: 'ERR FAILED') => void = () => {}
    dummy.attachController({
      setVariable: () => new Promise((resolve) => (finish = resolve)),
      instantCommand: async () => 'SUCCESS',
    })
    const { s } = await admin(store)
    await s.run('SET TRACKING ON')
    const id = (await s.run('SET VAR dummy ups.id x')).split(' ')[2] as string
    assert.equal(await s.run(`GET TRACKING ${id}`), 'PENDING')
    finish('ERR FAILED')
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(await s.run(`GET TRACKING ${id}`), 'ERR FAILED')
    assert.equal(await s.run('SET TRACKING off'), 'OK')
    assert.equal(await s.run('SET VAR dummy ups.id y'), 'OK')
  })
})
