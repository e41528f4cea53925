import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { type ErrorCode, errorCatalogue, NutshellError } from '../core/errors.ts'
import { errorDocLink, formatFailure } from './error-report.ts'

describe('formatFailure', () => {
  it('the cause and code first, then what to do, then where it is explained', () => {
    const error = new NutshellError('NS_LISTEN_FAILED', 'cannot listen on 127.0.0.1 port 3493')
    assert.equal(
      formatFailure('nutshell serve', error),
      `nutshell serve: cannot listen on 127.0.0.1 port 3493 [NS_LISTEN_FAILED]
  ${errorCatalogue.NS_LISTEN_FAILED}
  (see docs/errors.md#ns_listen_failed)
`,
    )
  })

  it('an error without its own message says the advice once', () => {
    assert.equal(
      formatFailure('nutshell', new NutshellError('NS_USAGE')),
      `nutshell: ${errorCatalogue.NS_USAGE} [NS_USAGE]\n  (see docs/errors.md#ns_usage)\n`,
    )
  })

  it('a report of several lines follows its first line, which carries the code', () => {
    const error = new NutshellError('NS_RULES_INVALID', 'the rules file a.rules has errors\nA\nB')
    const lines = formatFailure('nutshell serve', error).split('\n')
    assert.deepEqual(lines.slice(0, 3), [
      'nutshell serve: the rules file a.rules has errors [NS_RULES_INVALID]',
      'A',
      'B',
    ])
    assert.equal(lines[3], `  ${errorCatalogue.NS_RULES_INVALID}`)
  })

  it('anything else that reaches the top is a bug: NS_INTERNAL', () => {
    const text = formatFailure('nutshell', new TypeError('x is not a function'))
    assert.match(text, /^nutshell: x is not a function \[NS_INTERNAL\]\n {2}A bug in nutshell/)
    assert.match(formatFailure('nutshell', 'thrown text'), /^nutshell: thrown text \[NS_INTERNAL\]/)
  })

  it('every link points at a heading of docs/errors.md', () => {
    const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
    // GitHub's anchor of a heading: lower case, spaces as dashes (codes have none).
    const anchors = new Set([...docs.matchAll(/^## (.+)$/gm)].map((m) => m[1]?.toLowerCase()))
    for (const code of Object.keys(errorCatalogue) as ErrorCode[]) {
      const anchor = errorDocLink(code).split('#')[1]
      assert.ok(anchors.has(anchor), `${code}: #${anchor}`)
    }
  })
})
