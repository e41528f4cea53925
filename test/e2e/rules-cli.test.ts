import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { run } from '../helpers/processes.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const fixtures = `${root}test/fixtures/rules`

function nutshell(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', `${root}src/cli/main.ts`, ...args], {
    cwd: root,
  })
}

describe('nutshell rules (CLI)', () => {
  it('check: exit 0 for a good file, 1 with rendered diagnostics for a bad one', async () => {
    const good = await nutshell('rules', 'check', `${fixtures}/cli/issue-examples.rules`)
    assert.equal(good.code, 0, good.stderr)
    assert.match(good.stdout, /ok \(6 rules\)/)
    const bad = await nutshell('rules', 'check', `${fixtures}/errors/several-mistakes.rules`)
    assert.equal(bad.code, 1)
    assert.match(
      bad.stdout,
      /error RULE2001: Unknown variable 'battery.charg'. Did you mean 'battery.charge'\?/,
    )
    assert.match(bad.stdout, /6 errors, 1 warning/)
  })

  it('check --json gives the diagnostics as data', async () => {
    const result = await nutshell(
      'rules',
      'check',
      '--json',
      `${fixtures}/errors/unknown-flag.rules`,
    )
    assert.equal(result.code, 1)
    const data = JSON.parse(result.stdout) as Array<Record<string, unknown>>
    assert.equal(data[0]?.['code'], 'RULE2003')
    assert.equal(data[0]?.['line'], 1)
    assert.equal(data[0]?.['column'], 21)
  })

  it('test: prints the actions in virtual time, text and JSON', async () => {
    const text = await nutshell(
      'rules',
      'test',
      `${fixtures}/cli/issue-examples.rules`,
      '--scenario',
      `${fixtures}/cli/onbatt.seq`,
    )
    assert.equal(text.code, 0, text.stderr)
    assert.equal(
      text.stdout,
      '+0s start-timer early 300s\n+120s notify ups has been on battery for 2 minutes\n',
    )
    const json = await nutshell(
      'rules',
      'test',
      `${fixtures}/cli/issue-examples.rules`,
      '--scenario',
      `${fixtures}/cli/onbatt.seq`,
      '--device',
      'rack',
      '--json',
    )
    const entries = JSON.parse(json.stdout) as Array<Record<string, unknown>>
    assert.deepEqual(
      entries.map((e) => [e['at'], e['action'], e['device'], e['detail']]),
      [
        [0, 'start-timer', 'rack', 'early 300s'],
        [120, 'notify', 'rack', 'rack has been on battery for 2 minutes'],
      ],
    )
  })

  it('upssched.conf is a rules source with upssched meaning, and imports to rules', async () => {
    const dry = await nutshell(
      'rules',
      'test',
      `${fixtures}/cli/upssched.conf`,
      '--scenario',
      `${fixtures}/cli/blip.seq`,
    )
    assert.equal(dry.code, 0, dry.stderr)
    assert.equal(
      dry.stdout,
      [
        '+10s start-timer onbatt 30s',
        '+10s exec /usr/local/bin/upssched-cmd onbatt-now',
        '+15s cancel-timer onbatt',
        '+75s start-timer onbatt 30s',
        '+75s exec /usr/local/bin/upssched-cmd onbatt-now',
        '+105s exec /usr/local/bin/upssched-cmd onbatt',
        '',
      ].join('\n'),
    )
    const imported = await nutshell('rules', 'import-upssched', `${fixtures}/cli/upssched.conf`)
    assert.equal(imported.code, 0, imported.stderr)
    assert.match(
      imported.stdout,
      /on ONLINE \{\n {2}cancel timer onbatt else \{\n {4}exec \["\/usr\/local\/bin\/upssched-cmd", "online"\]/,
    )
    assert.match(
      imported.stdout,
      /on timer onbatt \{\n {2}exec \["\/usr\/local\/bin\/upssched-cmd", "onbatt"\]/,
    )
  })

  it('test --events shows the derived notify events', async () => {
    const result = await nutshell(
      'rules',
      'test',
      `${fixtures}/cli/issue-examples.rules`,
      '--scenario',
      `${fixtures}/cli/blip.seq`,
      '--events',
    )
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        '+10s event ONBATT',
        '+10s start-timer early 300s',
        '+15s event ONLINE',
        '+15s cancel-timer early',
        '+75s event ONBATT',
        '+75s start-timer early 300s',
        '',
      ].join('\n'),
    )
  })

  it('check: notes alone pass, and say what they are', async () => {
    const result = await nutshell('rules', 'check', `${fixtures}/cli/spelled.rules`)
    assert.equal(result.code, 0, result.stdout)
    assert.match(result.stdout, /spelled\.rules:2:16 note RULE1017: '=' compares here/)
    assert.match(result.stdout, /0 errors, 0 warnings, 1 note\n$/)
    const json = await nutshell('rules', 'check', '--json', `${fixtures}/cli/spelled.rules`)
    assert.equal(json.code, 0)
    const data = JSON.parse(json.stdout) as Array<Record<string, unknown>>
    assert.deepEqual(
      data.map((d) => [d['code'], d['severity'], d['line']]),
      [['RULE1017', 'note', 2]],
    )
  })

  it('test: spelled-out durations and ~= run; a model in other capitals is a warning', async () => {
    const result = await nutshell(
      'rules',
      'test',
      `${fixtures}/cli/spelled.rules`,
      '--scenario',
      `${fixtures}/cli/apc.seq`,
    )
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, '+100s log ups by APC on battery\n')
    assert.match(
      result.stderr,
      /spelled\.rules:2:6 warning RULE2019: This can never be true: the device reports "Smart-UPS 700", in other capitals\. Did you mean 'ups\.model ~= "SMART-UPS 700"'\?/,
    )
    assert.doesNotMatch(result.stderr, /RULE1017/)
  })

  it('usage errors exit 1', async () => {
    const result = await nutshell('rules', 'test', `${fixtures}/cli/issue-examples.rules`)
    assert.equal(result.code, 1)
    assert.match(result.stderr, /--scenario FILE are required/)
  })
})
