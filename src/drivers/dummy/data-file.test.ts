import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { quote } from '../../protocol/encode.ts'
import { parseDummyData, powermanScriptMistake } from './data-file.ts'

const sets = (text: string): Array<[string, string]> =>
  parseDummyData(text).steps.flatMap((s) =>
    s.kind === 'set' ? [[s.name, s.value] as [string, string]] : [],
  )

describe('parseDummyData', () => {
  it('reads name: value lines as dummy-ups does', () => {
    const text = [
      'ups.mfr: Acme',
      'ups.model: TestBox 1000',
      'ups.id: "quoted  two-space value"',
      'custom.eq: a=b=c =d',
      'custom.thing: hello   world # comment',
      'esc.val: back\\slash \\# "q\\"x"',
      'two.empty: "" ""',
      'ups.model: ""',
      '',
    ].join('\n')
    assert.deepEqual(sets(text), [
      ['ups.mfr', 'Acme'],
      ['ups.model', 'TestBox 1000'],
      ['ups.id', 'quoted  two-space value'],
      ['custom.eq', 'a = b = c = d'],
      ['custom.thing', 'hello world'],
      ['esc.val', 'backslash # q"x'],
      ['two.empty', ' '],
      ['ups.model', ''],
    ])
    assert.deepEqual(parseDummyData(text).diagnostics, [])
  })

  it('reads TIMER lines, with atoi-like numbers reported when odd', () => {
    const { steps, diagnostics } = parseDummyData(
      'ups.status: OB\nTIMER 5\nTIMER 0.5\nTIMER 3s\nTIMER\ntimer 1\n',
    )
    assert.deepEqual(
      steps.map((s) =>
        s.kind === 'timer' ? ['timer', s.seconds, s.line] : ['set', s.name, s.line],
      ),
      [
        ['set', 'ups.status', 1],
        ['timer', 5, 2],
        ['timer', 0.5, 3],
        ['timer', 3, 4],
        ['timer', 0, 5],
        ['set', 'timer', 6],
      ],
    )
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.severity]),
      [
        [4, 'warning'],
        [5, 'warning'],
        [6, 'warning'],
      ],
    )
  })

  it('skips driver.* lines and lines without a value, and says so with line and column', () => {
    const { steps, diagnostics } = parseDummyData(
      'driver.name: foo\n  ups.load:\nDRIVER.version: x\n: v\n',
    )
    assert.deepEqual(steps, [])
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.column, d.severity]),
      [
        [1, 1, 'warning'],
        [2, 3, 'error'],
        [3, 1, 'warning'],
        [4, 1, 'error'],
      ],
    )
  })

  it('keeps text glued to the colon, and a line without a colon, with warnings', () => {
    const { diagnostics } = parseDummyData('ups.status:OL\nfoo bar baz\n"quoted.name": "v"\n')
    assert.deepEqual(sets('ups.status:OL\nfoo bar baz\n"quoted.name": "v"\n'), [
      ['ups.status', 'OL'],
      ['foo', 'bar baz'],
      ['quoted.name', ': v'],
    ])
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.column, d.severity]),
      [
        [1, 12, 'warning'],
        [2, 1, 'warning'],
        [3, 1, 'warning'],
      ],
    )
  })

  it('skips a line with a tokenizer error and goes on with the next one', () => {
    const { steps, diagnostics } = parseDummyData('a.b: 1\nbad.q: "x # y"\nafter.bad: fine\n')
    assert.deepEqual(sets('a.b: 1\nbad.q: "x # y"\nafter.bad: fine\n'), [
      ['a.b', '1'],
      ['after.bad', 'fine'],
    ])
    assert.equal(steps.length, 2)
    assert.equal(diagnostics.length, 1)
    assert.equal(diagnostics[0]?.line, 2)
    assert.equal(diagnostics[0]?.severity, 'error')
  })

  it('keeps values longer than 127 characters whole, with a warning', () => {
    const long = 'x'.repeat(200)
    const { steps, diagnostics } = parseDummyData(`custom.long: ${long}\n`)
    assert.deepEqual(steps, [{ kind: 'set', name: 'custom.long', value: long, line: 1 }])
    assert.equal(diagnostics[0]?.severity, 'warning')
  })

  it('never throws, and every step and diagnostic points at a real line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 300 }), (text) => {
        const lines = text.split('\n').length
        const { steps, diagnostics } = parseDummyData(text)
        for (const s of steps) assert.ok(s.line >= 1 && s.line <= lines)
        for (const d of diagnostics) assert.ok(d.line >= 1 && d.line <= lines && d.column >= 1)
      }),
      { numRuns: 500 },
    )
  })

  it('round-trips any name and value written with NUT quoting', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9.]{0,20}$/).filter((n) => !n.startsWith('driver.'))
    const value = fc
      .string({ minLength: 1, maxLength: 60 })
      .filter((v) => !/[\x00-\x1f\x7f]/.test(v))
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 10 }), (pairs) => {
        const text = pairs.map(([n, v]) => `${n}: ${quote(v)}\n`).join('')
        assert.deepEqual(sets(text), pairs)
      }),
      { numRuns: 300 },
    )
  })

  it('names the script driver for a powerman .dev file (Debian vpc.dev, read in place)', () => {
    const text = readFileSync('/etc/powerman/vpc.dev', 'latin1')
    const message = powermanScriptMistake(text, '/etc/powerman/vpc.dev')
    assert.match(message ?? '', /powerman device script \(specification "vpc"\).*driver = script/)
    assert.equal(powermanScriptMistake('ups.status: OL\nbattery.charge: 90\n', 'x.dev'), undefined)
  })
})
