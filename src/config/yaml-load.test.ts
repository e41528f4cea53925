import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { checkConfig, loadConfig } from './load.ts'
import { defaultServerLimits } from './types.ts'
import { loadYamlConfig, parseYamlConfig } from './yaml-load.ts'

const load = (text: string) => parseYamlConfig(text, '/cfg/nutshell.yaml', {})

describe('native YAML config', () => {
  it('an empty file is a valid config with every default', () => {
    const r = load('')
    assert.ok(r.ok)
    assert.deepEqual(r.value, {
      configDir: '/cfg',
      source: { kind: 'yaml', file: '/cfg/nutshell.yaml' },
      devices: [],
      server: {
        listen: [
          { host: '127.0.0.1', port: 3493 },
          { host: '::1', port: 3493, optional: true },
        ],
        maxAgeMs: 15_000,
        trackingDelayMs: 3_600_000,
        statePath: '/run/nut',
        limits: defaultServerLimits,
      },
      users: [],
    })
  })

  it('reads server settings, resolving paths against the file folder', () => {
    const r = load(`
server:
  listen: [localhost, "10.0.0.1:3000", "[::1]:4000", {host: "::", port: 5000}, {host: h}]
  maxAge: 1m
  trackingDelay: 90
  statePath: state
  tls: {certFile: tls/cert.pem, keyFile: /abs/key.pem}
  limits: {maxConnections: 5, maxConnectionsPerAddress: 2, idleTimeout: 2m, handshakeTimeout: 500ms, maxLineLength: 128, maxOutputQueueBytes: 2048}
`)
    assert.ok(r.ok, JSON.stringify(r.diagnostics))
    const s = r.value.server
    assert.deepEqual(s.listen, [
      { host: 'localhost', port: 3493 },
      { host: '10.0.0.1', port: 3000 },
      { host: '::1', port: 4000 },
      { host: '::', port: 5000 },
      { host: 'h', port: 3493 },
    ])
    assert.equal(s.maxAgeMs, 60_000)
    assert.equal(s.trackingDelayMs, 90_000)
    assert.equal(s.statePath, '/cfg/state')
    assert.deepEqual(s.tls, { certFile: '/cfg/tls/cert.pem', keyFile: '/abs/key.pem' })
    assert.deepEqual(s.limits, {
      maxConnections: 5,
      maxConnectionsPerAddress: 2,
      idleTimeoutMs: 120_000,
      handshakeTimeoutMs: 500,
      maxLineLength: 128,
      maxOutputQueueBytes: 2048,
    })
  })

  it('takes the state path from NUT_STATEPATH when the file has none', () => {
    const r = parseYamlConfig('{}', '/cfg/a.yaml', { NUT_STATEPATH: '/tmp/st' })
    assert.ok(r.ok)
    assert.equal(r.value.server.statePath, '/tmp/st')
  })

  it('expands user grants as upsd does', () => {
    const r = load(`
users:
  - {name: a, password: x, actions: [set, master], instcmds: [ALL, Load.Off]}
  - {name: b, password: y, upsmon: slave}
  - {name: c, password: z, upsmon: Primary, actions: [LOGIN]}
`)
    assert.ok(r.ok)
    assert.deepEqual(r.value.users, [
      { name: 'a', password: 'x', actions: ['SET', 'PRIMARY'], instcmds: ['all', 'load.off'] },
      { name: 'b', password: 'y', actions: ['LOGIN'], instcmds: [], upsmon: 'secondary' },
      {
        name: 'c',
        password: 'z',
        actions: ['FSD', 'LOGIN', 'PRIMARY'],
        instcmds: [],
        upsmon: 'primary',
      },
    ])
  })

  it('reads the monitor section with NUT defaults', () => {
    const r = load(`
monitor:
  monitors:
    - {system: "ups@[::1]:3494", user: u, password: p, role: slave, powerValue: 2}
  notifyCommand: "/bin/notify --flag"
  shutdownCommand: [/sbin/poweroff]
  notifyFlags: {onbatt: [EXEC], LOWBATT: []}
  notifyMessages: {ONLINE: "back: %s"}
  offDuration: -1
  overDuration: 30s
  shutdownExit: never
  defaultPolicy: false
  alarmCritical: false
`)
    assert.ok(r.ok, JSON.stringify(r.diagnostics))
    const m = r.value.monitor
    assert.ok(m)
    assert.deepEqual(m.monitors, [
      {
        system: 'ups@[::1]:3494',
        ups: 'ups',
        host: '::1',
        port: 3494,
        powerValue: 2,
        user: 'u',
        password: 'p',
        role: 'secondary',
      },
    ])
    assert.deepEqual(m.notifyCommand, { shell: '/bin/notify --flag' })
    assert.deepEqual(m.shutdownCommand, { argv: ['/sbin/poweroff'] })
    assert.deepEqual(m.notifyFlags, { ONBATT: ['EXEC'], LOWBATT: [] })
    assert.deepEqual(m.notifyMessages, { ONLINE: 'back: %s' })
    assert.equal(m.offDurationMs, -1)
    assert.equal(m.overDurationMs, 30_000)
    assert.equal(m.shutdownExit, -1)
    assert.equal(m.defaultPolicy, false)
    assert.equal(m.alarmCritical, false)
    assert.equal(m.pollFreqMs, 5000)
    assert.equal(m.minSupplies, 1)
    const exit = load('monitor: {shutdownExit: 0}')
    assert.ok(exit.ok)
    assert.equal(exit.value.monitor?.shutdownExit, true)
  })

  it('refuses an integration it does not know, naming the nearest', () => {
    const r = load('integrations: {prometheu: {}}\n')
    assert.equal(r.ok, false)
    assert.deepEqual(
      r.diagnostics.map((d) => [d.severity, d.code, d.line, d.column]),
      [['error', 'unknown-key', 1, 16]],
    )
    assert.match(r.diagnostics[0]?.advice ?? '', /did you mean 'prometheus'\?/)
  })

  it('reads integrations.mqtt and .mdns with their defaults', () => {
    const r = load('integrations: {mqtt: {url: "mqtt://localhost"}, mdns: {}}\n')
    assert.ok(r.ok, JSON.stringify(r.diagnostics))
    assert.deepEqual(r.value.integrations, {
      mqtt: {
        url: 'mqtt://localhost',
        prefix: 'nutshell',
        site: 'local',
        keepalive: 30_000,
        stateQos: 1,
      },
      mdns: { enabled: true },
    })
    const bad = load('integrations: {mqtt: {url: "mqtt://localhost", site: "a/b"}}\n')
    assert.equal(bad.ok, false)
    assert.deepEqual(
      bad.diagnostics.map((d) => [d.code, d.message]),
      [['bad-value', "'a/b' cannot be an MQTT topic level"]],
    )
  })

  it('reads rules and driver defaults', () => {
    const r = load(`
rules: {files: [a.rules, /etc/b.rules], notifyWebhooks: ["https://hooks.example.com/ups"]}
driverDefaults: {driverPath: /lib/nut, maxRetry: 3, retryDelay: 5s, pollInterval: 2, noWait: true, synchronous: auto}
`)
    assert.ok(r.ok, JSON.stringify(r.diagnostics))
    assert.deepEqual(r.value.rules, {
      files: ['/cfg/a.rules', '/etc/b.rules'],
      notifyWebhooks: ['https://hooks.example.com/ups'],
    })
    const bad = load('rules: {files: [], notifyWebhooks: ["ftp://x", "nope"]}')
    assert.deepEqual(
      bad.diagnostics.map((d) => [d.code, d.path]),
      [
        ['bad-value', 'rules.notifyWebhooks[0]'],
        ['bad-value', 'rules.notifyWebhooks[1]'],
      ],
    )
    assert.deepEqual(r.value.driverDefaults, {
      driverPath: '/lib/nut',
      maxRetry: 3,
      retryDelayMs: 5000,
      pollIntervalMs: 2000,
      noWait: true,
      synchronous: 'auto',
    })
  })

  it('reports every mistake in one pass with paths', () => {
    const r = load(`
devices:
  - {name: a, driver: d, port: p, optoins: {}}
  - {name: b, driver: 3, port: p}
users:
  - {name: u, password: x, upsmon: boss}
`)
    assert.equal(r.ok, false)
    assert.deepEqual(
      r.diagnostics.map((d) => [d.path, d.line, d.column, d.code]),
      [
        ['devices[0].optoins', 3, 35, 'unknown-key'],
        ['devices[1].driver', 4, 23, 'bad-type'],
        ['users[0].upsmon', 6, 36, 'bad-value'],
      ],
    )
    assert.match(r.diagnostics[0]?.advice ?? '', /did you mean 'options'/)
  })

  it('resolves aliases and ignores top-level x- keys that hold anchors', () => {
    const r = load(`
x-secret: &pw "s3cret"
x-dummy: &dummy {driver: dummy-ups, options: {mode: dummy-once}}
devices:
  - {name: a, port: a.dev, <<: *dummy}
users:
  - {name: admin, password: *pw}
`)
    // Merge keys (<<) are not YAML 1.2: reported, with the allowed keys.
    assert.equal(r.ok, false)
    assert.deepEqual(
      r.diagnostics.map((d) => [d.code, d.path]),
      [
        ['missing-setting', 'devices[0].driver'],
        ['unknown-key', 'devices[0].<<'],
      ],
    )
    const ok = load(`
x-secret: &pw "s3cret"
x-options: &opts {mode: dummy-once}
devices:
  - {name: a, driver: dummy-ups, port: a.dev, options: *opts}
  - {name: b, driver: dummy-ups, port: b.dev, options: *opts}
users:
  - {name: admin, password: *pw}
  - &mon {name: mon, password: *pw, upsmon: secondary}
`)
    assert.ok(ok.ok, JSON.stringify(ok.diagnostics))
    assert.deepEqual(
      ok.value.devices.map((d) => d.options),
      [{ mode: 'dummy-once' }, { mode: 'dummy-once' }],
    )
    assert.deepEqual(
      ok.value.users.map((u) => u.password),
      ['s3cret', 's3cret'],
    )
    const dup = load('users:\n  - &u {name: a, password: "x"}\n  - *u\n')
    assert.deepEqual(
      dup.diagnostics.map((d) => [d.code, d.line, d.column]),
      [['duplicate', 3, 5]],
    )
  })

  it('loads from files and directories', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-yaml-'))
    try {
      const file = join(dir, 'n.yaml')
      await writeFile(file, 'devices:\n  - {name: a, driver: dummy-ups, port: a.dev}\n')
      const viaFile = await loadYamlConfig(file)
      assert.ok(viaFile.ok)
      assert.equal(viaFile.value.configDir, dir)
      const viaLoad = await loadConfig(file)
      assert.ok(viaLoad.ok)
      assert.deepEqual(viaLoad.value.devices[0]?.name, 'a')
      const missing = await loadConfig(join(dir, 'none.yaml'))
      assert.equal(missing.ok, false)
      assert.equal(missing.diagnostics[0]?.code, 'file-missing')
      await writeFile(join(dir, 'ups.conf'), '[a]\ndriver = x\nport = y\n')
      await writeFile(join(dir, 'upsd.conf'), '')
      await writeFile(join(dir, 'upsd.users'), '')
      const asDir = await loadConfig(dir)
      assert.ok(asDir.ok)
      assert.equal(asDir.value.source.kind, 'nut')
      const check = await checkConfig(join(dir, 'ups.conf'))
      assert.equal(check.kind, 'nut-file')
      assert.deepEqual(check.diagnostics, [])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
