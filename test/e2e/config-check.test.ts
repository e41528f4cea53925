import assert from 'node:assert/strict'
import { lookup } from 'node:dns/promises'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parseYamlConfig } from '../../src/config/yaml-load.ts'
import { type RunResult, run } from '../helpers/processes.ts'

/**
 * The `nutshell config` cases run in one child process (test/e2e/config-runner.ts), so
 * Node and tsx start once; one case goes through src/cli/main.ts to prove the wiring.
 */
describe('nutshell config check | show | convert', () => {
  let dir: string
  const results = new Map<string, RunResult>()
  const result = (args: string[]): RunResult => {
    const r = results.get(JSON.stringify(args))
    assert.ok(r, `case ${JSON.stringify(args)} was not run`)
    return r
  }
  const at = (name: string) => join(dir, name)

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-check-'))
    await writeFile(
      at('good.yaml'),
      'devices:\n  - {name: a, driver: dummy-ups, port: a.dev}\nusers:\n  - {name: admin, password: "secret"}\n',
    )
    await writeFile(
      at('bad.yaml'),
      'devices:\n  - name: a\n    drvier: dummy-ups\n    port: a.dev\n',
    )
    await writeFile(at('a.dev'), 'ups.status: OL\n')
    await writeFile(
      at('host.yaml'),
      'devices:\n  - {name: sim, driver: dummy-ups, port: nope.dev}\n  - {name: hw, driver: no-such-driver, port: auto}\n  - {name: rep, driver: dummy-ups, port: "ups@remote"}\n',
    )
    await writeFile(at('ups.conf'), '[a]\n\tdriver = dummy-ups\n\tport = a.dev\n')
    await writeFile(at('upsd.conf'), 'MAXAGE 15s\n')
    await writeFile(at('upsd.users'), '[admin]\n\tpassword = secret\n', { mode: 0o600 })
    await chmod(at('good.yaml'), 0o600)
    // NUT directories for the checks across files, each with one kind of mistake.
    const nutDir = async (name: string, files: Record<string, string>) => {
      await mkdir(at(name))
      const all: Record<string, string> = {
        'ups.conf': '[a]\n\tdriver = dummy-ups\n\tport = a.dev\n',
        'upsd.conf': '',
        'upsd.users': '[mon]\n\tpassword = x\n\tupsmon primary\n',
        ...files,
      }
      for (const [file, text] of Object.entries(all)) {
        await writeFile(join(at(name), file), text, { mode: 0o600 })
      }
      await writeFile(join(at(name), 'a.dev'), 'ups.status: OL\n')
    }
    await nutDir('listen', {
      'upsd.conf': 'LISTEN 127.0.0.1 3493\nLISTEN 127.0.0.1 3493\nLISTEN localhost 3493\n',
    })
    await nutDir('monitor', {
      'upsmon.conf':
        'MONITOR b@localhost 1 mon x primary\nMONITOR a@localhost 1 mon wrong primary\nSHUTDOWNCOMMAND "/sbin/poweroff"\n',
    })
    await nutDir('monitor-ok', {
      'upsmon.conf': 'MONITOR a@localhost 1 mon x primary\nSHUTDOWNCMD "/sbin/poweroff"\n',
    })
    await nutDir('typo', { 'ups.conf': '[a]\n\tdrvier = dummy-ups\n\tport = a.dev\n' })
    await nutDir('nodev', { 'ups.conf': '[a]\n\tdriver = dummy-ups\n\tport = nope.dev\n' })
    await nutDir('readable', {})
    await chmod(join(at('readable'), 'upsd.users'), 0o644)
    await writeFile(
      at('listen.yaml'),
      'server:\n  listen:\n    - 127.0.0.1:1234\n    - 127.0.0.1:1234\n',
    )
    await writeFile(at('integrations.yaml'), 'integrations:\n  prometheu: {}\n')
    await writeFile(
      at('spellings.yaml'),
      'monitor:\n  shutdownCmd: /sbin/poweroff\n  POWERDOWNFLAG: /etc/killpower\n',
    )
    await writeFile(
      at('indent.yaml'),
      'devices:\n  - name: a\n    port: a.dev\ndriver: dummy-ups\n',
    )
    await writeFile(at('with-rules.yaml'), 'rules:\n  files: [r.rules, none.rules]\n')
    await writeFile(at('r.rules'), 'when battery.charg < 20 {\n  shutdown\n}\n')
    const cases = [
      ['check', at('good.yaml')],
      ['check', at('bad.yaml')],
      ['check', dir],
      ['show', '--json', dir],
      ['check', '--json', at('with-rules.yaml')],
      ['convert', dir],
      ['frobnicate'],
      ['check'],
      ['check', at('host.yaml')],
      ['check', '--strict', dir],
      ['check', at('listen')],
      ['check', at('listen.yaml')],
      ['check', at('monitor')],
      ['check', at('monitor-ok')],
      ['check', at('typo')],
      ['check', at('nodev')],
      ['check', at('readable')],
      ['check', at('integrations.yaml')],
      ['check', at('spellings.yaml')],
      ['check', at('indent.yaml')],
      ['schema'],
    ]
    await writeFile(at('cases.json'), JSON.stringify(cases))
    const batch = await run(
      process.execPath,
      ['--import', 'tsx', 'test/e2e/config-runner.ts', at('cases.json')],
      { timeoutMs: 30_000, env: { ...process.env, NUT_CONFPATH: dir } },
    )
    assert.equal(batch.code, 0, batch.stderr)
    const out = JSON.parse(batch.stdout) as { code: number; stdout: string; stderr: string }[]
    cases.forEach((c, i) => {
      const r = out[i] as { code: number; stdout: string; stderr: string }
      results.set(JSON.stringify(c), {
        code: r.code,
        signal: null,
        stdout: r.stdout,
        stderr: r.stderr,
      })
    })
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('runs through the nutshell command', async () => {
    const r = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'config', 'check', at('bad.yaml')],
      { timeoutMs: 30_000 },
    )
    assert.equal(r.code, 1)
    assert.match(r.stderr, / error unknown-key/)
  })

  it('accepts a good YAML file', () => {
    const r = result(['check', at('good.yaml')])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /good\.yaml: ok: 1 device, 1 listener, 1 user, no monitor, no rules\n$/)
    assert.equal(r.stderr, '')
  })

  it('reports a mistake in the rules checker format: file:line:col, code, frame, help', () => {
    const file = at('bad.yaml')
    const r = result(['check', file])
    assert.equal(r.code, 1)
    assert.ok(
      r.stderr.includes(
        `${file}:3:5 error unknown-key: unknown setting 'drvier' in devices[0] (devices[0].drvier)\n` +
          '  |\n' +
          '3 |     drvier: dummy-ups\n' +
          '  |     ^^^^^^\n' +
          "  = help: did you mean 'driver'? allowed keys are: name, driver, port, description, options, flags\n",
      ),
      r.stderr,
    )
    assert.match(r.stdout, /2 errors, 0 warnings\n/)
  })

  it('checks a NUT directory: warnings do not fail', () => {
    const r = result(['check', dir])
    assert.equal(r.code, 0, r.stderr)
    assert.match(
      r.stderr,
      /upsd\.conf:1:8 warning bad-number: MAXAGE \(seconds\): '15s' is read as 15/,
    )
    assert.match(r.stdout, /0 errors, 1 warning: 1 device, 1 listener, 1 user, no monitor/)
  })

  it('--strict makes warnings fail', () => {
    const r = result(['check', '--strict', dir])
    assert.equal(r.code, 1)
    assert.match(r.stdout, /0 errors, 1 warning \(--strict\)/)
  })

  it('warns about a LISTEN given twice, also as localhost beside 127.0.0.1', async () => {
    const r = result(['check', at('listen')])
    assert.equal(r.code, 0, r.stderr)
    assert.match(
      r.stderr,
      /upsd\.conf:2:8 warning duplicate: 127\.0\.0\.1 port 3493 is listed twice/,
    )
    const local = (await lookup('localhost', { all: true })).map((a) => a.address)
    if (local.includes('127.0.0.1')) {
      assert.match(r.stderr, /upsd\.conf:3:8 warning duplicate: localhost is .*127\.0\.0\.1/)
    }
    const y = result(['check', at('listen.yaml')])
    assert.equal(y.code, 0, y.stderr)
    assert.match(
      y.stderr,
      /listen\.yaml:4:7 warning duplicate: 127\.0\.0\.1 port 1234 is listed twice/,
    )
  })

  it('fails on a MONITOR this server would refuse and on a lost SHUTDOWNCMD', () => {
    const r = result(['check', at('monitor')])
    assert.equal(r.code, 1)
    const f = join(at('monitor'), 'upsmon.conf')
    assert.match(
      r.stderr,
      new RegExp(`${f}:1:9 error bad-value: b@localhost: this server has no device 'b'`),
    )
    assert.match(
      r.stderr,
      new RegExp(`${f}:2:9 error bad-value: a@localhost: the password for 'mon' does not match`),
    )
    assert.ok(
      r.stderr.includes(
        `${f}:3:1 error unknown-directive: unknown upsmon.conf directive 'SHUTDOWNCOMMAND': upsmon ignores the line, so SHUTDOWNCMD is not set`,
      ),
      r.stderr,
    )
    assert.match(r.stderr, /= help: did you mean 'SHUTDOWNCMD'\?/)
    assert.match(
      r.stderr,
      /upsmon\.conf error missing-setting: a monitor is configured but no shutdown command/,
    )
    const ok = result(['check', at('monitor-ok')])
    assert.equal(ok.code, 0, ok.stderr)
    assert.match(
      ok.stdout,
      /: ok: 1 device, 1 listener, 1 user, monitor of 1 system with a shutdown command, no rules\n$/,
    )
  })

  it('reports a misspelt ups.conf key at its own line, and a missing .dev file where it is named', () => {
    const r = result(['check', at('typo')])
    assert.equal(r.code, 1)
    assert.match(
      r.stderr,
      /ups\.conf:2:2 error unknown-key: \[a\]: 'drvier' is not a key .*without driver upsd skips the device/,
    )
    assert.match(r.stderr, /= help: did you mean 'driver'\?/)
    const d = result(['check', at('nodev')])
    assert.equal(d.code, 0, d.stderr)
    assert.match(
      d.stderr,
      /ups\.conf:3:2 warning file-missing: device a: the dummy-ups data file .*nope\.dev cannot be read/,
    )
  })

  it('warns when upsd.users is readable by every user', () => {
    const r = result(['check', at('readable')])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /upsd\.users warning insecure-permissions: the file holds passwords/)
    assert.doesNotMatch(result(['check', at('monitor-ok')]).stderr, /insecure-permissions/)
  })

  it('refuses an unknown integration and names NUT spellings and indentation', () => {
    const r = result(['check', at('integrations.yaml')])
    assert.equal(r.code, 1)
    assert.match(
      r.stderr,
      /integrations\.yaml:2:3 error unknown-key: unknown setting 'prometheu' in integrations[^\n]*\n(?:.*\n){3} {2}= help: did you mean 'prometheus'\?/,
    )
    const s = result(['check', at('spellings.yaml')])
    assert.equal(s.code, 1)
    assert.match(
      s.stderr,
      /spellings\.yaml:2:3 error unknown-key: unknown setting 'shutdownCmd' in monitor[^\n]*\n(?:.*\n){3} {2}= help: did you mean 'shutdownCommand'\?/,
    )
    assert.match(
      s.stderr,
      /= help: did you mean 'powerDownFlag'\? NUT's POWERDOWNFLAG is written powerDownFlag here/,
    )
    const i = result(['check', at('indent.yaml')])
    assert.equal(i.code, 1)
    assert.match(i.stderr, /indent\.yaml:4:1 error unknown-key: unknown setting 'driver'/)
    assert.match(i.stderr, /= help: 'driver' is a setting of devices\[\]: check the indentation/)
  })

  it('prints the JSON Schema of the native file', () => {
    const r = result(['schema'])
    assert.equal(r.code, 0, r.stderr)
    const schema = JSON.parse(r.stdout) as {
      type: string
      additionalProperties: boolean
      properties: Record<string, unknown>
    }
    assert.equal(schema.type, 'object')
    assert.equal(schema.additionalProperties, false)
    assert.deepEqual(Object.keys(schema.properties), [
      'server',
      'devices',
      'users',
      'monitor',
      'rules',
      'driverDefaults',
      'integrations',
      'notify',
      'web',
    ])
  })

  it('says so when convert writes passwords into a file others can read', async () => {
    const convert = (umask: string) =>
      run(
        'sh',
        [
          '-c',
          `umask ${umask}; "${process.execPath}" --import tsx src/cli/main.ts config convert "${at('monitor-ok')}" > "${at(`out-${umask}.yaml`)}"`,
        ],
        { timeoutMs: 30_000 },
      )
    const open = await convert('022')
    assert.equal(open.code, 0, open.stderr)
    assert.match(
      open.stderr,
      /the output file holds passwords and every user of this machine can read it/,
    )
    const closed = await convert('077')
    assert.equal(closed.code, 0, closed.stderr)
    assert.doesNotMatch(closed.stderr, /passwords/)
  })

  it('prints JSON for tools and hides passwords in show', () => {
    const r = result(['show', '--json', dir])
    assert.equal(r.code, 0, r.stderr)
    const out = JSON.parse(r.stdout) as {
      ok: boolean
      kind: string
      warnings: number
      diagnostics: { code: string; line: number; column: number }[]
      config: { users: { password: string }[]; devices: { name: string }[] }
    }
    assert.equal(out.ok, true)
    assert.equal(out.kind, 'nut-dir')
    assert.equal(out.warnings, 1)
    assert.deepEqual(
      out.diagnostics.map((d) => [d.code, d.line, d.column]),
      [['bad-number', 1, 8]],
    )
    assert.equal(out.config.users[0]?.password, '********')
    assert.deepEqual(
      out.config.devices.map((d) => d.name),
      ['a'],
    )
  })

  it('checks the rule files a YAML config names', () => {
    const r = result(['check', '--json', at('with-rules.yaml')])
    assert.equal(r.code, 1)
    const out = JSON.parse(r.stdout) as {
      diagnostics: { file: string; line: number; code: string }[]
    }
    assert.deepEqual(
      out.diagnostics.map((d) => [d.file.slice(dir.length + 1), d.line, d.code]),
      [
        ['none.rules', 0, 'file-missing'],
        ['r.rules', 1, 'RULE2001'],
      ],
    )
  })

  it('converts a NUT directory into a YAML file that checks clean', () => {
    const r = result(['convert', dir])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^# nutshell configuration, converted from the NUT directory /)
    const back = parseYamlConfig(r.stdout, at('converted.yaml'), {})
    assert.deepEqual(back.diagnostics, [])
    assert.ok(back.ok)
    assert.deepEqual(
      back.value.devices.map((d) => [d.name, d.port]),
      [['a', at('a.dev')]],
    )
  })

  it('checks $NUT_CONFPATH when no target is given', () => {
    assert.deepEqual(result(['check']), result(['check', dir]))
  })

  it('warns about data files and driver binaries missing on this machine', () => {
    const r = result(['check', at('host.yaml')])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /device sim: the dummy-ups data file .*nope\.dev cannot be read/)
    assert.match(
      r.stderr,
      /device hw: the NUT driver \/lib\/nut\/no-such-driver is not installed here/,
    )
    assert.doesNotMatch(r.stderr, /device rep/)
    assert.match(r.stdout, /0 errors, 2 warnings/)
  })

  it('answers a bad command line with usage and exit 2', () => {
    const r = result(['frobnicate'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /usage: nutshell config check/)
  })
})
