import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { compilePosixRegex, type PosixRegex } from './index.ts'

function re(pattern: string, options = {}): PosixRegex {
  const result = compilePosixRegex(pattern, options)
  assert.ok(result.ok, result.ok ? '' : result.error.message)
  return result.regex
}

function texts(pattern: string, subject: string): Array<string | undefined> | undefined {
  const m = re(pattern).exec(subject)
  return m?.spans.map((s) => (s === undefined ? undefined : subject.slice(s.start, s.end)))
}

describe('posix-regex', () => {
  it('takes the longest of the leftmost matches, where JS takes the first alternative', () => {
    assert.deepEqual(texts('on|one', 'phone'), ['one'])
    assert.equal(/on|one/.exec('phone')?.[0], 'on')
    assert.deepEqual(texts('(a|ab)(c|bcd)', 'xabcd'), ['abcd', 'a', 'bcd'])
    assert.deepEqual(texts('x*', 'aaxx'), [''])
  })

  it('reports the last iteration of a repeated group, unset groups as undefined', () => {
    assert.deepEqual(texts('([0-9])*', '123'), ['123', '3'])
    assert.deepEqual(texts('(a)|b', 'b'), ['b', undefined])
    assert.equal(re('(a)(b)?').groupCount, 2)
  })

  it('has POSIX classes, ranges, negation and literal ] and - in brackets', () => {
    assert.deepEqual(texts('[[:digit:]]+', 'ab123c'), ['123'])
    assert.deepEqual(texts('[[:space:]]+', 'a \t\r\nb'), [' \t\r\n'])
    assert.deepEqual(texts('[]a-]+', 'x]-a]y'), [']-a]'])
    assert.deepEqual(texts('[^a-c]+', 'abcxyzc'), ['xyz'])
    assert.deepEqual(texts('[\\]+', 'a\\\\b'), ['\\\\'])
    assert.deepEqual(texts('[[:alpha:]]', '\u00e9a'), ['a'])
  })

  it('makes a backslash quote the next character, except for the GNU operators', () => {
    assert.deepEqual(texts('\\[OK\\]', 'x[OK]'), ['[OK]'])
    assert.deepEqual(texts('a\\n', 'an'), ['an'])
    assert.deepEqual(texts('\\w+', '--ab_1--'), ['ab_1'])
    assert.deepEqual(texts('\\<on\\>', 'verification on'), ['on'])
  })

  it('lets . and [^x] match a newline unless REG_NEWLINE', () => {
    assert.deepEqual(texts('a.b', 'a\nb'), ['a\nb'])
    assert.equal(re('a.b', { newline: true }).exec('a\nb'), undefined)
    assert.equal(re('a[^x]b', { newline: true }).exec('a\nb'), undefined)
    assert.equal(re('.').exec('\0'), undefined)
  })

  it('anchors: ^ only at the start, $ never with REG_NOTEOL (as powerman runs expect)', () => {
    assert.equal(re('^b').exec('a\nb'), undefined)
    assert.equal(re('^b', { newline: true }).exec('a\nb')?.start, 2)
    assert.equal(re('> $').exec('vpc> ', { noteol: true }), undefined)
    assert.equal(re('> $').exec('vpc> ')?.start, 3)
    assert.equal(re('^a').exec('a', { notbol: true }), undefined)
    // `from` keeps the context: ^ does not match in the middle.
    assert.equal(re('^a').exec('aa', { from: 1 }), undefined)
  })

  it('refuses bad patterns with glibc error codes and the position', () => {
    const cases: Array<[string, string, number]> = [
      ['(ab', 'REG_EPAREN', 0],
      ['a[b', 'REG_EBRACK', 1],
      ['[[:foo:]]', 'REG_ECTYPE', 0],
      ['*a', 'REG_BADRPT', 0],
      ['a|*b', 'REG_BADRPT', 2],
      ['a{2,1}', 'REG_BADBR', 1],
      ['a{1', 'REG_EBRACE', 1],
      ['[z-a]', 'REG_ERANGE', 0],
      ['ab\\', 'REG_EESCAPE', 2],
      ['(a)\\1', 'BACKREF_UNSUPPORTED', 3],
      ['\\1(a)', 'REG_ESUBREG', 0],
      ['a{40000}', 'REG_ESIZE', 1],
      ['\u0100', 'NOT_BYTES', 0],
    ]
    for (const [pattern, code, position] of cases) {
      const result = compilePosixRegex(pattern)
      assert.equal(result.ok, false, pattern)
      if (!result.ok) assert.deepEqual([result.error.code, result.error.position], [code, position])
    }
    const big = compilePosixRegex('(a{1000}){1000}')
    assert.equal(big.ok ? 'ok' : big.error.code, 'TOO_LARGE')
  })

  it('accepts what glibc accepts in ERE: ( ) and {} oddities', () => {
    assert.deepEqual(texts('a)', 'a)'), ['a)'])
    assert.deepEqual(texts('()', 'x'), ['', ''])
    assert.deepEqual(texts('a{,2}', 'aaa'), ['aa'])
    assert.deepEqual(texts('a}', 'a}'), ['a}'])
    assert.deepEqual(texts('a**', 'aa'), ['aa'])
  })

  it('answers consistently where glibc contradicts itself (docs/regex.md, known differences)', () => {
    // glibc's regexec reports no match here, though ^a then b matches "ab".
    assert.deepEqual(texts('(^a|b)+', 'abab'), ['ab', 'b'])
  })

  it('never throws, whatever the pattern and subject', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'()[]{}*+?|^$\\.-,:=a1b'.split('')), maxLength: 12 }),
        fc.string({ maxLength: 12 }),
        (pattern, subject) => {
          const result = compilePosixRegex(pattern)
          if (result.ok) {
            const m = result.regex.exec(subject)
            if (m !== undefined) assert.ok(m.start <= m.end && m.end <= subject.length)
          } else assert.ok(result.error.position >= 0 && result.error.position <= pattern.length)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('takes time linear in the subject on patterns that make backtrackers explode', () => {
    // (a*)*b on a run of a's is exponential for a backtracking matcher; here the work
    // per byte is bounded by the program size. Counted in steps, not timed.
    const subject = 'a'.repeat(5000)
    assert.equal(re('(a*)*b').exec(subject), undefined)
    assert.deepEqual(re('(a|aa)*$').exec(subject)?.spans[0], { start: 0, end: 5000 })
  })
})
