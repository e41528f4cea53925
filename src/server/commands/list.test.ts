import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sampleStore } from '../../../test/helpers/nut-server-fixture.ts'
import { commandHarness } from '../../../test/helpers/server-context.ts'

describe('LIST', () => {
  it('lists UPSes in configuration order', async () => {
    const s = commandHarness(sampleStore().store).session()
    assert.equal(
      await s.run('list ups'),
      'BEGIN LIST UPS\nUPS dummy "Test \\"quoted\\" UPS \\# not a comment"\nUPS other "Description unavailable"\nEND LIST UPS',
    )
  })

  it('lists variables sorted without regard to case, echoing the query', async () => {
    const { store, dummy } = sampleStore()
    dummy.setValue('Zeta.Var', '1')
    dummy.setValue('alpha.var', '2')
    const s = commandHarness(store).session()
    const lines = (await s.run('LIST VAR DUMMY')).split('\n')
    assert.equal(lines[0], 'BEGIN LIST VAR DUMMY')
    assert.equal(lines[1], 'VAR DUMMY alpha.var "2"')
    assert.equal(lines.at(-2), 'VAR DUMMY Zeta.Var "1"')
    assert.equal(lines.at(-1), 'END LIST VAR DUMMY')
  })

  it('lists RW variables, commands, enums and ranges', async () => {
    const s = commandHarness(sampleStore().store).session()
    const rw = await s.run('LIST RW dummy')
    assert.match(rw, /^BEGIN LIST RW dummy\nRW dummy battery.charge "100"\n/)
    assert.doesNotMatch(rw, /driver\.name/)
    assert.equal(
      await s.run('LIST CMD dummy'),
      'BEGIN LIST CMD dummy\nCMD dummy load.off\nCMD dummy test.battery.start\nEND LIST CMD dummy',
    )
    assert.equal(
      await s.run('LIST ENUM dummy input.transfer.low'),
      'BEGIN LIST ENUM dummy input.transfer.low\nENUM dummy input.transfer.low "170"\nENUM dummy input.transfer.low "180"\nEND LIST ENUM dummy input.transfer.low',
    )
    assert.equal(
      await s.run('LIST RANGE dummy input.transfer.high'),
      'BEGIN LIST RANGE dummy input.transfer.high\nRANGE dummy input.transfer.high "250" "270"\nRANGE dummy input.transfer.high "280" "290"\nEND LIST RANGE dummy input.transfer.high',
    )
    assert.equal(
      await s.run('LIST ENUM dummy ups.id'),
      'BEGIN LIST ENUM dummy ups.id\nEND LIST ENUM dummy ups.id',
    )
    assert.equal(await s.run('LIST RANGE dummy nosuch'), 'ERR VAR-NOT-SUPPORTED')
  })

  it('answers errors as upsd does', async () => {
    const { store, dummy } = sampleStore()
    const s = commandHarness(store).session()
    for (const line of [
      'LIST',
      'LIST VAR',
      'LIST CLIENTS dummy',
      'LIST ENUM dummy',
      'LIST FOO a b',
    ]) {
      assert.equal(await s.run(line), 'ERR INVALID-ARGUMENT', line)
    }
    assert.equal(await s.run('LIST VAR nosuch'), 'ERR UNKNOWN-UPS')
    assert.equal(await s.run('LIST CLIENT nosuch'), 'ERR UNKNOWN-UPS')
    dummy.setCommState('lost')
    for (const line of [
      'LIST VAR dummy',
      'LIST RW dummy',
      'LIST CMD dummy',
      'LIST ENUM dummy x',
      'LIST RANGE dummy x',
    ]) {
      assert.equal(await s.run(line), 'ERR DRIVER-NOT-CONNECTED', line)
    }
    assert.equal(await s.run('LIST CLIENT dummy'), 'BEGIN LIST CLIENT dummy\nEND LIST CLIENT dummy')
    assert.match(await s.run('LIST UPS'), /^BEGIN LIST UPS/)
  })
})
