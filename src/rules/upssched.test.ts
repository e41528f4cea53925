import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadRulesText } from './load.ts'
import { looksLikeUpssched, upsschedToRules } from './upssched.ts'

const header = 'CMDSCRIPT "/usr/local/bin/cmd --flag"\nPIPEFN /run/p\nLOCKFN /run/l\n'

describe('upssched.conf as rules', () => {
  it('is recognised by name or by its first directive', () => {
    assert.ok(looksLikeUpssched('/etc/nut/upssched.conf', ''))
    assert.ok(looksLikeUpssched('site.conf', '# c\nCMDSCRIPT /x\n'))
    assert.ok(!looksLikeUpssched('site.rules', 'on ONBATT { shutdown }'))
  })

  it('maps AT lines in order, ups@host to the device, and splits CMDSCRIPT without a shell', () => {
    const { text, diagnostics } = upsschedToRules(
      'u.conf',
      `${header}AT onbatt ups1@localhost:3493 EXECUTE "a b"\nAT ONBATT * START-TIMER-SHARED t 10\n`,
    )
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity]),
      [['RULE1016', 'warning']],
    )
    assert.match(
      text,
      /on ups1:ONBATT \{\n {2}exec \["\/usr\/local\/bin\/cmd", "--flag", "a", "b"\]\n\}/,
    )
    assert.match(text, /on ONBATT \{\n {2}start timer t 10s\n\}/)
    assert.match(text, /on timer t \{\n {2}exec \["\/usr\/local\/bin\/cmd", "--flag", "t"\]\n\}/)
  })

  it('reports what upssched refuses, with positions', () => {
    const loaded = loadRulesText('upssched.conf', 'AT ONBATT * START-TIMER t -5\nAT ONBATT *\n')
    assert.deepEqual(
      loaded.diagnostics.map((d) => [d.code, loaded.source.position(d.span.start).line]),
      [
        ['RULE1014', 1],
        ['RULE2011', 1],
        ['RULE1005', 2],
      ],
    )
  })
})
