import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseUpsschedConf } from './upssched-conf.ts'

describe('upssched.conf', () => {
  it('reads the directives and AT lines', () => {
    const { conf, diagnostics } = parseUpsschedConf(
      [
        'CMDSCRIPT /usr/bin/upssched-cmd',
        'PIPEFN /run/nut/upssched.pipe',
        'LOCKFN /run/nut/upssched.lock',
        'AT ONBATT * START-TIMER onbatt 30',
        'AT online ups@localhost CANCEL-TIMER onbatt online',
        'AT ONLINE * CANCEL-TIMER onbatt',
        'AT COMMBAD * EXECUTE commbad',
        'AT ONBATT * START-TIMER-SHARED early 60',
        'AT ONLINE * CANCEL-TIMER-MATCHED early',
      ].join('\n'),
    )
    assert.deepEqual(diagnostics, [])
    assert.equal(conf.cmdScript, '/usr/bin/upssched-cmd')
    assert.equal(conf.pipeFn, '/run/nut/upssched.pipe')
    assert.equal(conf.lockFn, '/run/nut/upssched.lock')
    assert.deepEqual(
      conf.at.map((a) => [a.notifyType, a.ups, a.command, a.position.line]),
      [
        ['ONBATT', '*', { kind: 'start-timer', timer: 'onbatt', seconds: 30, shared: false }, 4],
        [
          'ONLINE',
          'ups@localhost',
          { kind: 'cancel-timer', timer: 'onbatt', command: 'online', matched: false },
          5,
        ],
        ['ONLINE', '*', { kind: 'cancel-timer', timer: 'onbatt', matched: false }, 6],
        ['COMMBAD', '*', { kind: 'execute', command: 'commbad' }, 7],
        ['ONBATT', '*', { kind: 'start-timer', timer: 'early', seconds: 60, shared: true }, 8],
        ['ONLINE', '*', { kind: 'cancel-timer', timer: 'early', matched: true }, 9],
      ],
    )
  })

  it('requires CMDSCRIPT, PIPEFN and LOCKFN before the first AT', () => {
    const { diagnostics } = parseUpsschedConf(
      'CMDSCRIPT /x\nAT ONBATT * START-TIMER a 1\nPIPEFN /p\nLOCKFN /l\nAT ONBATT * START-TIMER b 1\n',
    )
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code, d.line]),
      [['error', 'order', 2]],
    )
    assert.match(diagnostics[0]?.message ?? '', /PIPEFN, LOCKFN/)
  })

  it('accepts a file without AT lines (Debian sample)', () => {
    assert.deepEqual(parseUpsschedConf('CMDSCRIPT /bin/upssched-cmd\n').diagnostics, [])
  })

  it('reports bad AT lines', () => {
    const head = 'CMDSCRIPT /x\nPIPEFN /p\nLOCKFN /l\n'
    const { conf, diagnostics } = parseUpsschedConf(
      `${head}AT ONBATT *\nAT ONBATT * start-timer a 1\nAT ONBATT * START-TIMER a\nAT ONBATT * START-TIMER a soon\nAT ONBATT * START-TIMER a -5\nAT ONBAT * EXECUTE x\nFOO bar\n`,
    )
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code, d.line, d.column]),
      [
        ['error', 'missing-value', 4, 1],
        ['error', 'bad-value', 5, 13],
        ['error', 'missing-value', 6, 25],
        ['error', 'bad-number', 7, 27],
        ['warning', 'out-of-range', 8, 27],
        ['warning', 'bad-value', 9, 4],
        ['warning', 'unknown-directive', 10, 1],
      ],
    )
    assert.match(diagnostics[1]?.advice ?? '', /did you mean 'START-TIMER'/)
    assert.equal(conf.at.length, 1)
  })
})
