import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
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
    await writeFile(at('upsd.users'), '[admin]\n\tpassword = secret\n')
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
    assert.match(r.stderr, /error unknown-key/)
  })

  it('accepts a good YAML file', () => {
    const r = result(['check', at('good.yaml')])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /: ok\n$/)
    assert.equal(r.stderr, '')
  })

  it('reports a mistake with file:line:col, code, path and advice, and exits 1', () => {
    const file = at('bad.yaml')
    const r = result(['check', file])
    assert.equal(r.code, 1)
    assert.match(
      r.stderr,
      new RegExp(
        `^${file}:3:5: error unknown-key: unknown setting 'drvier' in devices\\[0\\] \\(devices\\[0\\]\\.drvier\\)\n  did you mean 'driver'\\?`,
        'm',
      ),
    )
    assert.match(r.stdout, /2 errors, 0 warnings/)
  })

  it('checks a NUT directory: warnings do not fail', () => {
    const r = result(['check', dir])
    assert.equal(r.code, 0, r.stderr)
    assert.match(
      r.stderr,
      /upsd\.conf:1:8: warning bad-number: MAXAGE \(seconds\): '15s' is read as 15/,
    )
    assert.match(r.stdout, /0 errors, 1 warning/)
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
