import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { fragment, powermanFile } from '../../../test/fixtures/powerman/arbitraries.ts'
import { stripSpans } from '../../../test/fixtures/powerman/strip-spans.ts'
import type { Item, SpecItem, Stmt } from './ast.ts'
import { lex } from './lexer.ts'
import { loadPowermanText } from './load.ts'
import { type IncludeReader, parsePowerman } from './parser.ts'
import { printPowerman } from './printer.ts'

const spec = `# a spec written for these tests
specification "toy" {
	timeout 	5.
	pingperiod .5
	plug name { "1" "A.2"
	            "Gi2/0/1" }
	script login {
		send "hello\\r\\n"
		expect "\\\\[ok\\\\] (.*)> "
	}
	script status_all {
		send "list %s\\n"
		foreachplug {
			expect "([^ ]+) is (on|off)\\n"
			setplugstate $1 $ 2 on="on" off="off"
		}
	}
	script on {
		setplugstate "1" $0
		setplugstate $3
		ifoff { send "\\033on %s\\n" }
		delay 1
		setresult $1 $2 success="^ok" success="^done"
	}
}
device "d0" "toy" "/usr/bin/toy -x |&"
node "n[1-3]" "d0"
`

function onlySpec(items: Item[]): SpecItem[] {
  const s = items[0]
  assert.ok(s?.kind === 'specification')
  return s.items
}

describe('lexer', () => {
  it('reads escapes as powerman does: known ones, \\ddd octal, anything else as itself', () => {
    const { tokens, diagnostics } = lex('"\\a\\e\\101\\.\\[\\\\\\"x"', 't')
    assert.deepEqual(diagnostics, [])
    assert.equal(tokens[0]?.text, '\x07\x1bA.[\\"x')
  })

  it('splits run-together keywords as flex does, with a warning, and numbers off words', () => {
    const { tokens, diagnostics } = lex('scriptoff delay1', 't')
    assert.deepEqual(
      tokens.map((t) => [t.kind, t.text]),
      [
        ['keyword', 'script'],
        ['keyword', 'off'],
        ['keyword', 'delay'],
        ['number', '1'],
        ['eof', ''],
      ],
    )
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity]),
      [['PM1020', 'warning']],
    )
  })

  it('reads plug name as one token and include paths raw', () => {
    const { tokens } = lex('plug \t name include   "/a/b\\n.dev"', 't')
    assert.deepEqual(
      tokens.map((t) => [t.kind, t.text]),
      [
        ['plug name', 'plug name'],
        ['keyword', 'include'],
        ['path', '/a/b\\n.dev'],
        ['eof', ''],
      ],
    )
  })

  it('warns about a comment that ends the file without a newline', () => {
    const { diagnostics } = lex('listen "x:1" # no newline', 't')
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['PM1015'],
    )
  })
})

describe('parser', () => {
  it('reads every item, spec item and statement form into a typed tree', () => {
    const result = loadPowermanText('toy.conf', spec)
    assert.deepEqual(result.diagnostics, [])
    const items = onlySpec(result.file.items)
    assert.deepEqual(
      items.map((i) => (i.kind === 'script' ? `script ${i.name}` : i.kind)),
      ['timeout', 'pingperiod', 'plugs', 'script login', 'script status_all', 'script on'],
    )
    const timeout = items[0]
    assert.ok(timeout?.kind === 'timeout')
    assert.deepEqual([timeout.seconds.text, timeout.seconds.value], ['5.', 5])
    const plugs = items[2]
    assert.ok(plugs?.kind === 'plugs')
    assert.deepEqual(
      plugs.names.map((n) => n.value),
      ['1', 'A.2', 'Gi2/0/1'],
    )
    const on = items[5]
    assert.ok(on?.kind === 'script')
    const [literal, target, ifoff, , setresult] = on.body as Stmt[]
    assert.ok(literal?.kind === 'setplugstate' && literal.plug.kind === 'literal')
    assert.equal(literal.value.index, 0)
    assert.ok(target?.kind === 'setplugstate' && target.plug.kind === 'target')
    assert.ok(ifoff?.kind === 'ifoff' && ifoff.body[0]?.kind === 'send')
    assert.equal(ifoff.body[0].format.value, '\x1bon %s\n')
    assert.ok(setresult?.kind === 'setresult')
    assert.deepEqual(
      setresult.success.map((s) => s.value),
      ['^ok', '^done'],
    )
    const login = items[3]
    assert.ok(login?.kind === 'script' && login.body[1]?.kind === 'expect')
    assert.equal(login.body[1].regex.value, '\\[ok\\] (.*)> ')
  })

  it('reads includes at top level, in a specification and in a script through the reader', () => {
    const files: Record<string, string> = {
      'a.dev': 'specification "a" {\n timeout 3\n include "items.inc"\n}\n',
      'items.inc': 'script login {\n include "stmts.inc"\n}\n',
      'stmts.inc': 'expect "> "\nsend "x"\n',
    }
    const readInclude: IncludeReader = (p) => {
      const text = files[p]
      return text === undefined ? { error: 'no such file' } : { name: p, text }
    }
    const result = loadPowermanText('main.conf', 'include "a.dev"\ninclude "gone.dev"\n', {
      readInclude,
    })
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.file]),
      [['PM1013', 'main.conf']],
    )
    const inc = result.file.items[0]
    assert.ok(inc?.kind === 'include' && inc.file === 'a.dev')
    const specItems = onlySpec(inc.items)
    const nested = specItems[1]
    assert.ok(nested?.kind === 'include')
    const login = nested.items[0]
    assert.ok(login?.kind === 'script' && login.body[0]?.kind === 'include')
    assert.deepEqual(
      login.body[0].items.map((s) => s.kind),
      ['expect', 'send'],
    )
    assert.deepEqual([...result.sources.keys()], ['main.conf', 'a.dev', 'items.inc', 'stmts.inc'])
  })

  it('stops include cycles and deep nesting', () => {
    const readInclude: IncludeReader = (p) => ({ name: p, text: `include "${p}x"\n` })
    const deep = parsePowerman('include "f"\n', 'main', { readInclude })
    assert.deepEqual(
      deep.diagnostics.map((d) => d.code),
      ['PM1014'],
    )
    const self = parsePowerman('include "main"\n', 'main', {
      readInclude: () => ({ name: 'main', text: '' }),
    })
    assert.deepEqual(
      self.diagnostics.map((d) => d.code),
      ['PM1014'],
    )
  })

  it('holds a file to powerman 2.3 when asked: setresult is rejected there', () => {
    const text =
      'specification "s" {\n timeout 1\n script login { expect "x" }\n script on { expect "(.)(.)" setresult $1 $2 success="y" }\n}\n'
    assert.deepEqual(loadPowermanText('s.dev', text).diagnostics, [])
    assert.deepEqual(
      loadPowermanText('s.dev', text, { dialect: '2.3' }).diagnostics.map((d) => d.code),
      ['PM2015'],
    )
  })

  it('hands every regular expression to the injected checker', () => {
    const seen: string[] = []
    const result = loadPowermanText('t.conf', spec, {
      checkRegex: (p) => {
        seen.push(p)
        return p === 'on' ? 'made-up failure' : undefined
      },
    })
    assert.ok(seen.includes('^done') && seen.includes('off'))
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      ['PM2020'],
    )
  })
})

describe('properties', () => {
  it('print then parse gives the same tree', () => {
    fc.assert(
      fc.property(powermanFile, (file) => {
        const text = printPowerman(file)
        const parsed = parsePowerman(text, 'gen')
        assert.deepEqual(parsed.diagnostics, [], text)
        assert.deepEqual(stripSpans(parsed.file), stripSpans(file))
      }),
      { numRuns: 300 },
    )
  })

  it('never throws on random input, and reports within the text', () => {
    fc.assert(
      fc.property(
        fc.array(fragment, { maxLength: 30 }),
        fc.array(fc.constantFrom(' ', '\n', ''), { maxLength: 30 }),
        (parts, seps) => {
          const text = parts.map((p, i) => p + (seps[i] ?? ' ')).join('')
          const result = loadPowermanText('r', text, { readInclude: () => ({ name: 'x', text }) })
          for (const d of result.diagnostics) {
            const length = result.sources.get(d.file)?.length ?? -1
            assert.ok(d.span.start >= 0 && d.span.end <= length, JSON.stringify(d))
          }
        },
      ),
      { numRuns: 400 },
    )
  })

  it('never throws on mutations of a valid file', () => {
    fc.assert(
      fc.property(
        fc.nat(spec.length),
        fc.nat(8),
        fc.string({ maxLength: 3 }),
        (at, cut, insert) => {
          const text = spec.slice(0, at) + insert + spec.slice(at + cut)
          loadPowermanText('m', text)
        },
      ),
      { numRuns: 400 },
    )
  })
})
