import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { parseCmdvartab } from './cmdvartab.ts'

describe('parseCmdvartab', () => {
  it('reads VARDESC and CMDDESC lines, first definition wins', () => {
    const table = parseCmdvartab(
      '# comment\nVARDESC ups.status "Status of it"\nCMDDESC Load.Off "Cut the load"\nVARDESC ups.status "later"\n',
    )
    assert.equal(table.variables.get('ups.status'), 'Status of it')
    assert.equal(table.commands.get('load.off'), 'Cut the load')
    assert.deepEqual(table.problems, [])
  })

  it('reports malformed lines with their number and keeps going', () => {
    const table = parseCmdvartab(
      'VARDESC only.name\nFOO a "b"\nVARDESC "x # y"\nCMDDESC ok "fine"\n',
    )
    assert.deepEqual(
      table.problems.map((p) => p.line),
      [1, 2, 3],
    )
    assert.equal(table.commands.get('ok'), 'fine')
  })

  it("reads Debian NUT's own file when installed", {
    skip: !existsSync('/usr/share/nut/cmdvartab'),
  }, () => {
    const table = parseCmdvartab(readFileSync('/usr/share/nut/cmdvartab', 'utf8'))
    assert.ok(table.variables.size > 100)
    assert.ok(table.commands.size > 20)
    assert.deepEqual(table.problems, [])
  })

  it('never throws (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => void parseCmdvartab(text)))
  })
})
