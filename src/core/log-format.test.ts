import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { formatLogLine, formatRecord } from './log-format.ts'

const at = new Date(2026, 0, 2, 9, 5, 7, 42).getTime()

describe('the text log format', () => {
  it('reads as local time, level word, message, then key=value', () => {
    const line = formatRecord(
      { level: 30, time: at, device: 'ups1', port: 3493, msg: 'serving NUT' },
      { color: false },
    )
    assert.equal(line, '09:05:07.042 INFO  serving NUT device=ups1 port=3493\n')
  })

  it('quotes values with spaces or quotes, and shows an error by its message', () => {
    const line = formatRecord(
      {
        level: 50,
        time: at,
        msg: 'driver failed to start',
        reason: 'no such file',
        err: { type: 'Error', message: 'ENOENT x', stack: 'Error: ENOENT x\n    at y' },
        flags: ['SYSLOG', 'WALL'],
        nothing: null,
      },
      { color: false },
    )
    assert.equal(
      line,
      '09:05:07.042 ERROR driver failed to start reason="no such file" err="ENOENT x" flags=SYSLOG,WALL nothing=null\n',
    )
  })

  it('puts a multi-line field under the line, indented, once', () => {
    const report = 'a.rules:3:5: error RULE1001: unknown flag\n  3 | when x\n    |      ^\n'
    const line = formatRecord(
      { level: 50, time: at, code: 'RULE3002', report, msg: 'rules reload failed' },
      { color: false },
    )
    assert.equal(
      line,
      [
        '09:05:07.042 ERROR rules reload failed code=RULE3002',
        '    report:',
        '      a.rules:3:5: error RULE1001: unknown flag',
        '        3 | when x',
        '          |      ^',
        '',
      ].join('\n'),
    )
  })

  it('colours the level and dims the keys only when asked', () => {
    const record = { level: 40, time: at, msg: 'careful', ups: 'u' }
    assert.doesNotMatch(formatRecord(record, { color: false }), /\x1b/)
    const coloured = formatRecord(record, { color: true })
    assert.match(coloured, /\x1b\[33mWARN \x1b\[0m/)
    assert.match(coloured, /\x1b\[2mups=\x1b\[0mu/)
  })

  it('keeps a line that is not JSON, and never throws', () => {
    assert.equal(formatLogLine('not json', { color: false }), 'not json\n')
    fc.assert(
      fc.property(fc.string(), fc.boolean(), (text, color) => {
        assert.equal(typeof formatLogLine(text, { color }), 'string')
      }),
    )
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const line = formatRecord(record, { color: false })
        assert.ok(line.endsWith('\n'))
      }),
    )
  })
})
