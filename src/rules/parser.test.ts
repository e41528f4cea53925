import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { ruleText as rule } from '../../test/fixtures/rules/arbitraries.ts'
import type { Expr } from './ast.ts'
import { lex } from './lexer.ts'
import { parseRules } from './parser.ts'
import { printExpr, printRules } from './printer.ts'

/** The tree without positions, for comparing a parse with a re-parse. */
export function stripSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSpans)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (k !== 'span') out[k] = stripSpans(v)
    return out
  }
  return value
}

function condition(text: string): Expr {
  const result = parseRules(`when ${text} { shutdown }`)
  assert.deepEqual(result.diagnostics, [], `diagnostics for ${text}`)
  const rule = result.file.rules[0]
  assert.ok(rule?.kind === 'when')
  return rule.cond
}

describe('lexer', () => {
  it('scans names with dots and dashes, durations, strings and operators', () => {
    const { tokens, diagnostics } = lex('input.L1-L2.voltage - 3 >= 1h30m "a\\"b" # c')
    assert.deepEqual(diagnostics, [])
    assert.deepEqual(
      tokens.map((t) => [t.kind, t.text, t.value]),
      [
        ['name', 'input.L1-L2.voltage', 0],
        ['-', '-', 0],
        ['number', '3', 3],
        ['>=', '>=', 0],
        ['duration', '1h30m', 5400],
        ['string', 'a"b', 0],
        ['eof', '', 0],
      ],
    )
  })

  it('reads spelled-out durations as their canonical spelling', () => {
    const cases: Array<[string, string, number]> = [
      ['2 minutes', '2m', 120],
      ['2 min', '2m', 120],
      ['2 mins', '2m', 120],
      ['2min', '2m', 120],
      ['90 seconds', '90s', 90],
      ['1 second', '1s', 1],
      ['10 secs', '10s', 10],
      ['1 hour', '1h', 3600],
      ['1.5 hours', '1.5h', 5400],
      ['2 hrs', '2h', 7200],
      ['3 days', '3d', 259200],
      ['1 hour 30 minutes', '1h30m', 5400],
      ['1h 30m', '1h30m', 5400],
      ['1hour30min', '1h30m', 5400],
      ['2 MINUTES', '2m', 120],
      ['5 m', '5m', 300],
    ]
    for (const [text, canonical, seconds] of cases) {
      const { tokens, diagnostics } = lex(text)
      assert.deepEqual(diagnostics, [], text)
      assert.deepEqual(
        tokens.map((t) => [t.kind, t.text, t.value]),
        [
          ['duration', canonical, seconds],
          ['eof', '', 0],
        ],
        text,
      )
    }
  })

  it('leaves a number and a name that is not a unit word apart', () => {
    for (const [text, name] of [
      ['2 m.x', 'm.x'],
      ['5 mins_total', 'mins_total'],
      ['3 d-x', 'd-x'],
    ] as const) {
      const { tokens } = lex(text)
      assert.deepEqual(
        tokens.map((t) => t.kind),
        ['number', 'name', 'eof'],
        text,
      )
      assert.equal(tokens[1]?.text, name)
    }
    // A number after a duration joins it only with a unit of its own.
    assert.deepEqual(
      lex('5m 3').tokens.map((t) => [t.kind, t.text]),
      [
        ['duration', '5m'],
        ['number', '3'],
        ['eof', ''],
      ],
    )
  })

  it('reports a bad unit and an unterminated string and goes on', () => {
    const { tokens, diagnostics } = lex('5x "abc\nok')
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['RULE1004', 'RULE1002'],
    )
    assert.equal(tokens.at(-2)?.text, 'ok')
  })
})

describe('parser', () => {
  it('follows precedence: or < and < not < comparison < + < *', () => {
    assert.equal(
      printExpr(condition('a > 1 or b > 2 and not c has OB')),
      'a > 1 or b > 2 and not c has OB',
    )
    const e = condition('x + 2 * 3 > 7 and y')
    assert.ok(e.kind === 'binary' && e.op === 'and')
    assert.ok(e.left.kind === 'binary' && e.left.op === '>')
    assert.ok(e.left.left.kind === 'binary' && e.left.left.op === '+')
    assert.equal(printExpr(condition('(a + b) * c > 1')), '(a + b) * c > 1')
    assert.equal(printExpr(condition('a - (b - c) > 1')), 'a - (b - c) > 1')
    assert.equal(printExpr(condition('not (a > 1 or b > 1)')), 'not (a > 1 or b > 1)')
  })

  it('reads quoted device names in qualified names and events', () => {
    const text =
      'when "rack-1":ups.load > 80 and ups2:ups.load > 80 {\n  log "x"\n}\n\non "rack-1":ONBATT {\n  shutdown\n}\n'
    const result = parseRules(text)
    assert.deepEqual(result.diagnostics, [])
    assert.equal(printRules(result.file), text)
  })

  it('reads qualified names and durations', () => {
    const e = condition('ups1:battery.runtime < 5m')
    assert.ok(e.kind === 'binary' && e.left.kind === 'var' && e.right.kind === 'duration')
    assert.equal(e.left.device, 'ups1')
    assert.equal(e.right.seconds, 300)
  })

  it('parses every rule and action form', () => {
    const text = `when ups.status has OB for 2m {
  notify "a"
  log "b"
  exec ["/bin/x", "y"] timeout 10s
  webhook "https://example.net/h"
  instcmd beeper.disable
  instcmd ups2 load.off
  instcmd ups2 load.off.delay 30
  set battery.charge.low 30
  set ups2 ups.delay.shutdown "120"
  fsd
  fsd ups2
  shutdown
  hibernate
  start timer t 5m
  cancel timer t else {
    log "none"
  }
} else when battery.charge > 30 for 1m { }

on ONBATT, ups2:LOWBATT {
  start timer t 1h30m
}

on timer t {
  shutdown
}

device "ups2" {
  when comm == "lost" {
    log "x"
  }
}
`
    const result = parseRules(text)
    assert.deepEqual(result.diagnostics, [])
    assert.equal(printRules(result.file), text)
  })

  it('reads = in a condition as ==, with a style note only', () => {
    const result = parseRules('when ups.model = "SMART-UPS 700" { log "x" }')
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.severity]),
      [['RULE1017', 'note']],
    )
    const rule = result.file.rules[0]
    assert.ok(rule?.kind === 'when' && rule.cond.kind === 'binary')
    assert.equal(rule.cond.op, '==')
    assert.equal(printRules(result.file), 'when ups.model == "SMART-UPS 700" {\n  log "x"\n}\n')
  })

  it('reads set with = as the same assignment, and == there as one error', () => {
    const plain = parseRules('on ONBATT {\n  set ups2 ups.delay.shutdown 30\n}\n')
    for (const text of [
      'on ONBATT {\n  set ups2 ups.delay.shutdown = 30\n}\n',
      'on ONBATT {\n  set ups2 ups.delay.shutdown=30\n}\n',
    ]) {
      const result = parseRules(text)
      assert.deepEqual(result.diagnostics, [], text)
      assert.deepEqual(stripSpans(result.file), stripSpans(plain.file))
    }
    const single = parseRules('on ONBATT { set battery.charge.low = 30 }')
    assert.deepEqual(single.diagnostics, [])
    assert.equal(printRules(single.file), 'on ONBATT {\n  set battery.charge.low 30\n}\n')
    const wrong = parseRules('on ONBATT {\n  set ups.delay.shutdown == 30\n  shutdown\n}')
    assert.deepEqual(
      wrong.diagnostics.map((d) => d.code),
      ['RULE1011'],
    )
    const rule = wrong.file.rules[0]
    assert.ok(rule?.kind === 'on')
    assert.deepEqual(
      rule.body.map((a) => a.kind),
      ['set', 'shutdown'],
    )
  })

  it('reads 30% as a percentage and 30 % 7 as a remainder', () => {
    const percent = condition('battery.charge < 30%')
    assert.ok(percent.kind === 'binary' && percent.right.kind === 'number')
    assert.equal(percent.right.value, 30)
    assert.equal(percent.right.percent, true)
    assert.equal(printExpr(percent), 'battery.charge < 30%')
    assert.equal(
      printExpr(condition('battery.charge < 30 % and ups.load > 90%')),
      'battery.charge < 30% and ups.load > 90%',
    )
    const remainder = condition('battery.charge % 7 == 5')
    assert.ok(remainder.kind === 'binary' && remainder.left.kind === 'binary')
    assert.equal(remainder.left.op, '%')
    const glued = condition('30%7 == 2')
    assert.ok(glued.kind === 'binary' && glued.left.kind === 'binary')
    assert.equal(glued.left.op, '%')
    assert.equal(printExpr(condition('battery.charge < 30% - 5')), 'battery.charge < 30% - 5')
    // A negated divisor is printed in parentheses so that it does not read back as 30%.
    const negated = condition('(30) % -battery.charge == 0')
    assert.equal(printExpr(negated), '30 % (-battery.charge) == 0')
    assert.deepEqual(stripSpans(condition(printExpr(negated))), stripSpans(negated))
  })

  it('reads ~= as a comparison that does not chain', () => {
    const e = condition('ups.model ~= "smart-ups 700" and battery.charge < 20')
    assert.ok(e.kind === 'binary' && e.left.kind === 'binary')
    assert.equal(e.left.op, '~=')
    assert.equal(printExpr(e), 'ups.model ~= "smart-ups 700" and battery.charge < 20')
    assert.deepEqual(
      parseRules('when a ~= "x" == b { shutdown }').diagnostics.map((d) => d.code),
      ['RULE1010'],
    )
  })

  it('takes spelled-out durations after for, in timers and timeouts', () => {
    const text =
      'when ups.status has OB for 2 minutes {\n  start timer t 90 seconds\n  exec ["/bin/x"] timeout 1 min\n} else for 1 hour 30 mins { }\n'
    const result = parseRules(text)
    assert.deepEqual(result.diagnostics, [])
    assert.equal(
      printRules(result.file),
      'when ups.status has OB for 2m {\n  start timer t 90s\n  exec ["/bin/x"] timeout 1m\n} else for 1h30m { }\n',
    )
  })

  it('reports several errors in one pass and keeps going', () => {
    const result = parseRules(`wen x { }
when (a > 1 { shutdown }
on ONBATT { notfy "x" }
when b > 2 { shutdown }`)
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      ['RULE1007', 'RULE1009', 'RULE1008'],
    )
    assert.equal(result.file.rules.length, 3)
  })
})

// ---- properties --------------------------------------------------------------------

describe('parser properties', () => {
  it('never throws on any input', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 60 })),
        (text) => {
          parseRules(text)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('never throws on near-miss rules (random tokens)', () => {
    const token = fc.constantFrom(
      'when',
      'on',
      'timer',
      'device',
      'for',
      'else',
      '{',
      '}',
      '(',
      ')',
      '[',
      ']',
      ',',
      ':',
      'has',
      'and',
      'not',
      '<',
      '==',
      '=',
      '&&',
      '"s"',
      '"',
      '5m',
      '3',
      'x.y',
      'notify',
      'exec',
      'start',
      'cancel',
      'instcmd',
      'set',
      '\n',
      '#',
      '-',
      '!',
      '\\',
    )
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        parseRules(tokens.join(' '))
      }),
      { numRuns: 500 },
    )
  })

  it('print(parse(x)) parses to the same tree', () => {
    let checked = 0
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 4 }), (rules) => {
        const text = rules.join('\n')
        const first = parseRules(text)
        // Generated text can chain comparisons; notes (`=` for `==`) are fine.
        if (first.diagnostics.some((d) => d.severity !== 'note')) return
        const printed = printRules(first.file)
        const second = parseRules(printed)
        assert.deepEqual(second.diagnostics, [], printed)
        assert.deepEqual(stripSpans(second.file), stripSpans(first.file))
        checked++
      }),
      { numRuns: 300 },
    )
    assert.ok(checked > 100, `only ${checked} generated files parsed cleanly`)
  })
})
