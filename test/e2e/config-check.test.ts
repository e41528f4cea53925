import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { run } from '../helpers/processes.ts'

const nutshell = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { timeoutMs: 30_000 })

describe('nutshell config check', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-check-'))
    await writeFile(
      join(dir, 'good.yaml'),
      'devices:\n  - {name: a, driver: dummy-ups, port: a.dev}\nusers:\n  - {name: admin, password: "secret"}\n',
    )
    await writeFile(
      join(dir, 'bad.yaml'),
      'devices:\n  - name: a\n    drvier: dummy-ups\n    port: a.dev\n',
    )
    await writeFile(join(dir, 'ups.conf'), '[a]\n\tdriver = dummy-ups\n\tport = a.dev\n')
    await writeFile(join(dir, 'upsd.conf'), 'MAXAGE 15s\n')
    await writeFile(join(dir, 'upsd.users'), '[admin]\n\tpassword = secret\n')
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('accepts a good YAML file', async () => {
    const r = await nutshell(['config', 'check', join(dir, 'good.yaml')])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /: ok\n$/)
    assert.equal(r.stderr, '')
  })

  it('reports a mistake with file:line:col, code, path and advice, and exits 1', async () => {
    const file = join(dir, 'bad.yaml')
    const r = await nutshell(['config', 'check', file])
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

  it('checks a NUT directory: warnings do not fail', async () => {
    const r = await nutshell(['config', 'check', dir])
    assert.equal(r.code, 0, r.stderr)
    assert.match(
      r.stderr,
      /upsd\.conf:1:8: warning bad-number: MAXAGE \(seconds\): '15s' is read as 15/,
    )
    assert.match(r.stdout, /0 errors, 1 warning/)
  })

  it('prints JSON for tools and hides passwords in show', async () => {
    const r = await nutshell(['config', 'show', '--json', dir])
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

  it('checks the rule files a YAML config names', async () => {
    await writeFile(join(dir, 'with-rules.yaml'), 'rules:\n  files: [r.rules, none.rules]\n')
    await writeFile(join(dir, 'r.rules'), 'when battery.charg < 20 {\n  shutdown\n}\n')
    const r = await nutshell(['config', 'check', '--json', join(dir, 'with-rules.yaml')])
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

  it('converts a NUT directory into a YAML file that checks clean', async () => {
    const r = await nutshell(['config', 'convert', dir])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^# nutshell configuration, converted from the NUT directory /)
    await writeFile(join(dir, 'converted.yaml'), r.stdout)
    const check = await nutshell(['config', 'check', join(dir, 'converted.yaml')])
    assert.equal(check.code, 0, check.stderr)
    assert.match(check.stdout, /: ok\n$/)
  })

  it('answers a bad command line with usage and exit 2', async () => {
    const r = await nutshell(['config', 'frobnicate'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /usage: nutshell config check/)
  })
})
