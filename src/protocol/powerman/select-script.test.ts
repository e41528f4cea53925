import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ScriptName } from './ast.ts'
import { type SelectionInput, selectScripts, supports } from './select-script.ts'

const scripts = (...names: ScriptName[]) => new Set(names)
const plan = (input: SelectionInput) => {
  const p = selectScripts(input)
  return p === undefined
    ? 'none'
    : `${p.kind} ${p.script}${'plugs' in p ? ` ${p.plugs.join(',')}` : ''}`
}

describe('script selection (reference 1.9)', () => {
  const full = scripts('on', 'on_ranged', 'on_all', 'status', 'status_all')
  it('2.4: a lone plug takes the singlet, a full device _all, a part the ranged script', () => {
    assert.equal(
      plan({ family: 'on', scripts: full, targeted: ['3'], allMappedAndTargeted: false }),
      'singlets on 3',
    )
    assert.equal(
      plan({ family: 'on', scripts: full, targeted: ['1', '2'], allMappedAndTargeted: true }),
      'all on_all',
    )
    assert.equal(
      plan({ family: 'on', scripts: full, targeted: ['1', '2'], allMappedAndTargeted: false }),
      'ranged on_ranged 1,2',
    )
    assert.equal(
      plan({
        family: 'on',
        scripts: scripts('on', 'on_all'),
        targeted: ['1', '2'],
        allMappedAndTargeted: false,
      }),
      'singlets on 1,2',
    )
    assert.equal(
      plan({ family: 'status', scripts: full, targeted: ['1'], allMappedAndTargeted: false }),
      'singlets status 1',
    )
    assert.equal(
      plan({
        family: 'status',
        scripts: scripts('status_all'),
        targeted: ['1'],
        allMappedAndTargeted: false,
      }),
      'all status_all',
    )
    assert.equal(
      plan({
        family: 'on',
        scripts: scripts('on_all'),
        targeted: ['1'],
        allMappedAndTargeted: false,
      }),
      'none',
    )
  })

  it('2.3.27: any query and any full target take _all first', () => {
    assert.equal(
      plan({
        family: 'status',
        scripts: full,
        targeted: ['1'],
        allMappedAndTargeted: false,
        dialect: '2.3',
      }),
      'all status_all',
    )
    assert.equal(
      plan({
        family: 'on',
        scripts: full,
        targeted: ['3'],
        allMappedAndTargeted: false,
        dialect: '2.3',
      }),
      'ranged on_ranged 3',
    )
    assert.equal(
      plan({
        family: 'on',
        scripts: full,
        targeted: ['3'],
        allMappedAndTargeted: true,
        dialect: '2.3',
      }),
      'all on_all',
    )
  })

  it('tells whether a device can serve a family at all', () => {
    assert.equal(supports(full, 'cycle'), false)
    assert.equal(supports(scripts('beacon_on_ranged'), 'beacon_on'), true)
  })
})
