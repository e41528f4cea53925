import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { configFromNutFiles, loadNutConfigDir, nutConfPath } from './nut-dir.ts'
import { defaultServerLimits } from './types.ts'

const upsConf =
  'maxretry = 3\n[dummy]\n driver = dummy-ups\n port = dummy.dev\n desc = "Test UPS"\n nolock\n mode = dummy-once\n'
const upsdUsers =
  '[admin]\n password = adminpass\n actions = SET FSD\n instcmds = ALL\n[monp]\n password = pw\n upsmon primary\n'

describe('NUT config directory', () => {
  it('maps the files onto BrokerConfig', () => {
    const r = configFromNutFiles(
      {
        'ups.conf': upsConf,
        'upsd.conf':
          'LISTEN 127.0.0.1 23493\nMAXAGE 20\nCERTFILE cert.pem\nNUTSHELL_IDLE_TIMEOUT 30\n',
        'upsd.users': upsdUsers,
      },
      '/etc/nutx',
      {},
    )
    assert.ok(r.ok, JSON.stringify(r.diagnostics))
    const c = r.value
    assert.equal(c.configDir, '/etc/nutx')
    assert.deepEqual(c.source, { kind: 'nut', dir: '/etc/nutx' })
    assert.deepEqual(c.devices, [
      {
        name: 'dummy',
        driver: 'dummy-ups',
        port: 'dummy.dev',
        description: 'Test UPS',
        options: { mode: 'dummy-once' },
        flags: ['nolock'],
      },
    ])
    assert.deepEqual(c.server.listen, [{ host: '127.0.0.1', port: 23493 }])
    assert.equal(c.server.maxAgeMs, 20_000)
    assert.equal(c.server.trackingDelayMs, 3_600_000)
    assert.equal(c.server.statePath, '/run/nut')
    assert.deepEqual(c.server.tls, { certFile: '/etc/nutx/cert.pem' })
    assert.deepEqual(c.server.limits, { ...defaultServerLimits, idleTimeoutMs: 30_000 })
    assert.deepEqual(c.users, [
      { name: 'admin', password: 'adminpass', actions: ['SET', 'FSD'], instcmds: ['all'] },
      {
        name: 'monp',
        password: 'pw',
        actions: ['FSD', 'LOGIN', 'PRIMARY'],
        instcmds: [],
        upsmon: 'primary',
      },
    ])
    assert.deepEqual(c.driverDefaults, { maxRetry: 3 })
    assert.equal(c.monitor, undefined)
  })

  it('uses upsd defaults for an empty upsd.conf', () => {
    const r = configFromNutFiles(
      { 'ups.conf': upsConf, 'upsd.conf': '', 'upsd.users': '' },
      'rel',
      {
        NUT_STATEPATH: '/tmp/state',
      },
    )
    assert.ok(r.ok)
    assert.deepEqual(r.value.server.listen, [
      { host: '127.0.0.1', port: 3493 },
      { host: '::1', port: 3493, optional: true },
    ])
    assert.equal(r.value.server.maxAgeMs, 15_000)
    assert.equal(r.value.server.statePath, '/tmp/state')
    assert.equal(r.value.configDir, join(process.cwd(), 'rel'))
    const withState = configFromNutFiles(
      { 'ups.conf': upsConf, 'upsd.conf': 'STATEPATH state\n', 'upsd.users': '' },
      '/c',
      { NUT_STATEPATH: '/tmp/state' },
    )
    assert.ok(withState.ok)
    assert.equal(withState.value.server.statePath, '/c/state')
  })

  it('refuses what upsd refuses', () => {
    const missing = configFromNutFiles({}, '/d', {})
    assert.equal(missing.ok, false)
    assert.deepEqual(
      missing.diagnostics.map((d) => [d.code, d.file]),
      [
        ['file-missing', '/d/ups.conf'],
        ['file-missing', '/d/upsd.conf'],
        ['file-missing', '/d/upsd.users'],
      ],
    )
    const noDevice = configFromNutFiles(
      { 'ups.conf': '[a]\ndriver = x\n', 'upsd.conf': '', 'upsd.users': '' },
      '/d',
      {},
    )
    assert.equal(noDevice.ok, false)
    assert.deepEqual(
      noDevice.diagnostics.map((d) => d.code),
      ['missing-setting', 'no-devices'],
    )
    const allowed = configFromNutFiles(
      { 'ups.conf': '', 'upsd.conf': 'ALLOW_NO_DEVICE 1', 'upsd.users': '' },
      '/d',
      {},
    )
    assert.ok(allowed.ok)
    const allowedByEnv = configFromNutFiles(
      { 'ups.conf': '', 'upsd.conf': '', 'upsd.users': '' },
      '/d',
      {
        ALLOW_NO_DEVICE: 'true',
      },
    )
    assert.ok(allowedByEnv.ok)
  })

  it('reads upsmon.conf into MonitorConfig in milliseconds', () => {
    const r = configFromNutFiles(
      {
        'ups.conf': upsConf,
        'upsd.conf': '',
        'upsd.users': '',
        'upsmon.conf':
          'MONITOR dummy@localhost 1 monp pw primary\nSHUTDOWNCMD "/bin/true"\nPOLLFREQ 2\nOFFDURATION -1\nSHUTDOWNEXIT no\n',
      },
      '/d',
      {},
    )
    assert.ok(r.ok)
    const m = r.value.monitor
    assert.ok(m)
    assert.equal(m.pollFreqMs, 2000)
    assert.equal(m.pollFreqAlertMs, 5000)
    assert.equal(m.offDurationMs, -1)
    assert.equal(m.overDurationMs, -1)
    assert.equal(m.shutdownExit, false)
    assert.deepEqual(m.shutdownCommand, { shell: '/bin/true' })
    assert.equal(m.defaultPolicy, true)
    assert.deepEqual(m.monitors[0], {
      system: 'dummy@localhost',
      ups: 'dummy',
      host: 'localhost',
      port: 3493,
      powerValue: 1,
      user: 'monp',
      password: 'pw',
      role: 'primary',
    })
  })

  it('reads a directory from NUT_CONFPATH', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-cfg-'))
    try {
      await writeFile(join(dir, 'ups.conf'), upsConf)
      await writeFile(join(dir, 'upsd.conf'), 'MAXAGE 10\n')
      await writeFile(join(dir, 'upsd.users'), upsdUsers)
      assert.equal(nutConfPath({ NUT_CONFPATH: dir }), dir)
      assert.equal(nutConfPath({}), '/etc/nut')
      const r = await loadNutConfigDir(undefined, { env: { NUT_CONFPATH: dir } })
      assert.ok(r.ok)
      assert.equal(r.value.server.maxAgeMs, 10_000)
      const missing = await loadNutConfigDir(join(dir, 'nope'))
      assert.equal(missing.ok, false)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
