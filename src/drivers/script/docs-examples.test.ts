import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { runningExamples } from '../../../test/helpers/script-docs.ts'
import { powermanConfDevices } from '../../broker/powerman-conf.ts'
import { loadYamlConfig } from '../../config/yaml-load.ts'
import { resolveScriptSetup } from './driver-config.ts'

const dir = mkdtempSync(join(tmpdir(), 'nutshell-script-docs-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('docs/scripts.md, Running scripts', () => {
  it('its powerman.conf makes one device with 16 mapped plugs', () => {
    const file = join(dir, 'powerman.conf')
    writeFileSync(file, runningExamples.powermanConf)
    const loaded = powermanConfDevices(file)
    assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics))
    assert.deepEqual(
      loaded.value.map((d) => [d.name, d.driver, d.port]),
      [['pdu1', 'script', '/usr/sbin/vpcd |&']],
    )
    const setup = resolveScriptSetup(loaded.value[0] as (typeof loaded.value)[0], dir)
    assert.ok(setup.ok, setup.ok ? '' : setup.error)
    assert.equal(setup.setup.plugs.filter((p) => p.node !== undefined).length, 16)
    assert.deepEqual(setup.setup.plugs[3], { plug: '3', node: 'web4' })
  })

  it('its YAML devices load and resolve to runnable script setups', async () => {
    const file = join(dir, 'nutshell.yaml')
    writeFileSync(file, runningExamples.yaml)
    const loaded = await loadYamlConfig(file)
    assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics))
    const [rack, lab] = loaded.value.devices
    assert.ok(rack !== undefined && lab !== undefined)
    const r = resolveScriptSetup(rack, dir)
    assert.ok(r.ok, r.ok ? '' : r.error)
    assert.deepEqual(
      r.setup.plugs.filter((p) => p.node !== undefined).map((p) => `${p.plug}=${p.node}`),
      ['0=web1', '1=web2', '2=web3', '3=web4', '4=web5', '5=web6', '6=web7', '7=web8'],
    )
    assert.equal(r.setup.pollIntervalMs, 5000)
    const l = resolveScriptSetup(lab, dir)
    assert.ok(l.ok, l.ok ? '' : l.error)
    assert.deepEqual(l.setup.transport, {
      kind: 'tcp',
      host: 'pdu.lab.example',
      port: 23,
      quiet: false,
    })
    assert.equal(l.setup.plugs.length, 16)
  })

  it('refuses a plug the specification does not have, and names it', () => {
    const r = resolveScriptSetup(
      {
        name: 'x',
        driver: 'script',
        port: '/usr/sbin/vpcd |&',
        options: { script: '/etc/powerman/vpc.dev', plugs: '[14-17]' },
        flags: [],
      },
      dir,
    )
    assert.equal(r.ok, false)
    assert.match(r.ok ? '' : r.error, /no plug 16, 17/)
  })
})
