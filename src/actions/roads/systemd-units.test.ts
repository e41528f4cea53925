import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { run } from '../../../test/helpers/processes.ts'

const unit = (name: string) =>
  fileURLToPath(new URL(`../../../docs/systemd/${name}`, import.meta.url))
const privilegeDoc = fileURLToPath(new URL('../../../docs/privilege.md', import.meta.url))

/** The exposure `systemd-analyze security --offline=yes` gives a unit file. */
async function exposure(name: string): Promise<number> {
  const result = await run('systemd-analyze', ['security', '--offline=yes', unit(name)])
  const match = /Overall exposure level for \S+: (\d+\.\d)/.exec(result.stdout + result.stderr)
  assert.ok(match, `no exposure line:\n${result.stdout}${result.stderr}`)
  return Number(match[1])
}

describe('the shipped systemd units (systemd-analyze security, offline)', () => {
  it('systemd-analyze is installed (Debian package systemd)', () => {
    assert.ok(existsSync('/usr/bin/systemd-analyze'), 'apt install systemd')
  })

  it('scores the broker unit at or below 2.0 and both at or below the documented figures', async () => {
    const doc = readFileSync(privilegeDoc, 'utf8')
    const documented = (name: string) => {
      const match = new RegExp(`\`${name}\`[^\\n]*?\\*\\*(\\d+\\.\\d)\\*\\*`).exec(doc)
      assert.ok(match, `docs/privilege.md states the exposure of ${name}`)
      return Number(match[1])
    }
    const broker = await exposure('nutshell.service')
    assert.ok(broker <= 2.0, `broker unit scores ${broker}`)
    assert.ok(broker <= documented('nutshell.service'), `broker unit scores ${broker}`)
    const helper = await exposure('nutshell-helper.service')
    assert.ok(helper <= documented('nutshell-helper.service'), `helper unit scores ${helper}`)
  })
})
