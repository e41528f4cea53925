import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isCompleteSection, parseUpsConf } from './ups-conf.ts'

const codes = (text: string) =>
  parseUpsConf(text).diagnostics.map((d) => `${d.severity}:${d.code}:${d.line}:${d.column}`)

describe('ups.conf', () => {
  it('reads globals, sections, options and flags', () => {
    const { conf, diagnostics } = parseUpsConf(
      [
        'maxretry = 3',
        'pollinterval=4',
        'nowait',
        'driverpath = /lib/nut',
        'synchronous = auto',
        '[dummy]',
        '\tdriver = dummy-ups',
        '\tport = dummy.dev',
        '\tdesc = "Test \\"quoted\\" UPS \\# not a comment"',
        '\tnolock',
        '\toverride.battery.charge.low = 30',
        '[seq1]',
        '  driver = dummy-ups',
        '  port = flip.seq # comment',
      ].join('\n'),
    )
    assert.deepEqual(diagnostics, [])
    assert.equal(conf.globals.maxRetry, 3)
    assert.equal(conf.globals.pollInterval, 4)
    assert.equal(conf.globals.noWait, true)
    assert.equal(conf.globals.driverPath, '/lib/nut')
    assert.equal(conf.globals.synchronous, 'auto')
    assert.equal(conf.sections.length, 2)
    const [dummy, seq] = conf.sections
    assert.equal(dummy?.name, 'dummy')
    assert.equal(dummy?.driver, 'dummy-ups')
    assert.equal(dummy?.desc, 'Test "quoted" UPS # not a comment')
    assert.deepEqual(dummy?.flags, ['nolock'])
    assert.deepEqual(dummy?.options, { 'override.battery.charge.low': '30' })
    assert.equal(seq?.port, 'flip.seq')
    assert.deepEqual(seq?.position, { line: 12, column: 1 })
  })

  it('skips a device without driver or port, with a warning', () => {
    const { conf, diagnostics } = parseUpsConf('[a]\n driver = dummy-ups\n[b]\n port = x\n')
    assert.equal(conf.sections.filter(isCompleteSection).length, 0)
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code, d.line, d.message.includes('no port')]),
      [
        ['warning', 'missing-setting', 1, true],
        ['warning', 'missing-setting', 3, false],
      ],
    )
  })

  it('rejects a duplicate name case-insensitively and skips its lines', () => {
    const { conf, diagnostics } = parseUpsConf(
      'maxretry = 1\n[ups]\n driver = a\n port = b\n[UPS]\n driver = c\n port = d\n',
    )
    assert.equal(conf.sections.length, 1)
    assert.equal(conf.sections[0]?.driver, 'a')
    assert.deepEqual(codes('[ups]\ndriver=a\nport=b\n[UPS]\n'), ['error:duplicate:4:1'])
    assert.equal(diagnostics[0]?.code, 'duplicate')
    assert.equal(conf.globals.maxRetry, 1)
  })

  it('warns about names NUT treats specially and about headers with spaces', () => {
    assert.deepEqual(codes('[default]\ndriver=a\nport=b\n'), ['warning:reserved-name:1:1'])
    assert.deepEqual(codes('[my ups]\ndriver=a\nport=b\n'), ['error:bad-section:1:1'])
    assert.deepEqual(codes('[a@b]\ndriver=a\nport=b\n'), ['warning:bad-section:1:1'])
  })

  it('names what would be valid for bad values', () => {
    const { diagnostics } = parseUpsConf('maxretry = many\nsynchronous = maybe\nMAXRETRY = 3\n')
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code, d.line, d.column]),
      [
        ['error', 'bad-number', 1, 12],
        ['error', 'bad-value', 2, 15],
        ['warning', 'unknown-directive', 3, 1],
      ],
    )
    assert.match(diagnostics[0]?.advice ?? '', /integer/)
    assert.match(diagnostics[2]?.advice ?? '', /did you mean 'maxretry'/)
  })

  it('flags a misspelt core key but never a real driver option close to one', () => {
    assert.deepEqual(codes('[a]\ndriver = x\nport = y\ndesk = UPS\n'), ['warning:unknown-key:4:1'])
    assert.deepEqual(codes('[a]\ndriver = x\nport = y\nmodel = Back-UPS\nserial = 1\n'), [])
  })

  it('warns about an unquoted value with spaces (NUT keeps only the first word)', () => {
    const { conf, diagnostics } = parseUpsConf('[a]\ndriver = x\nport = y\ndesc = My UPS\n')
    assert.equal(conf.sections[0]?.desc, 'My')
    assert.equal(diagnostics[0]?.code, 'extra-words')
    assert.match(diagnostics[0]?.advice ?? '', /desc = "My UPS"/)
  })

  it('skips a line with # inside quotes, as NUT does', () => {
    const { conf, diagnostics } = parseUpsConf('[a]\ndriver = x\nport = y\ndesc = "UPS #1"\n')
    assert.equal(conf.sections[0]?.desc, undefined)
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.line, d.column]),
      [['syntax', 4, 13]],
    )
  })

  it('numbers a 1000-character line correctly', () => {
    const text = `[a]\ndriver = x\nport = y\n${' '.repeat(1000)}sdorder = z\n`
    const d = parseUpsConf(text).diagnostics
    assert.deepEqual(
      d.map((x) => [x.line, x.column]),
      [[4, 1011]],
    )
  })
})
