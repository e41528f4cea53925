import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { describeSystemError, errorCatalogue } from './errors.ts'

// The catalogue, docs/errors.md and the code that raises the errors, kept in step: every
// code is documented and raised, the doc names no code the catalogue lacks, and src/
// throws nothing but catalogue errors.
const root = fileURLToPath(new URL('../..', import.meta.url))
const src = join(root, 'src')
const codes = Object.keys(errorCatalogue)

/** Non-test source files (test-support.ts files are test code that ships beside a module). */
function sources(): Array<{ path: string; text: string }> {
  return readdirSync(src, { recursive: true })
    .map(String)
    .filter((p) => p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('test-support.ts'))
    .map((p) => ({ path: relative(root, join(src, p)), text: readFileSync(join(src, p), 'utf8') }))
}

/** `## NS_CODE` sections of docs/errors.md, in order, with their text. */
function docSections(): Array<{ code: string; body: string }> {
  const docs = readFileSync(join(root, 'docs/errors.md'), 'utf8')
  return [...docs.matchAll(/^## (NS_[A-Z_]+)\n([\s\S]*?)(?=^## |(?![\s\S]))/gm)].map((m) => ({
    code: m[1] as string,
    body: m[2] as string,
  }))
}

/** A `new …Error('NS_X'` or `super('NS_X'`: the code is raised, not only named. */
function raises(text: string, code: string): boolean {
  return new RegExp(`(?:new \\w*Error|super)\\(\\s*'${code}'`).test(text)
}

/** Places that throw something other than a catalogue error. */
const bareError =
  /\bnew (?:Error|TypeError|RangeError|SyntaxError|ReferenceError|EvalError|URIError)\(|\bthrow (?:Error|TypeError|RangeError)\(|\bthrow ['"`]/

describe('error catalogue', () => {
  it('docs/errors.md has one section per code, in the catalogue order', () => {
    assert.deepEqual(
      docSections().map((s) => s.code),
      codes,
    )
  })

  it('each section says what the error means, what to do, and shows an example', () => {
    for (const { code, body } of docSections()) {
      const meaning = body.trim().split('\n\n')[0] ?? ''
      assert.ok(meaning.length > 40 && !meaning.startsWith('**'), `${code}: what it means`)
      assert.match(body, /\*\*What to do:\*\* \S/, `${code}: what to do`)
      assert.match(body, /^Example[^\n]*:\n\n```\n[^`]+\n```/m, `${code}: an example`)
    }
  })

  it('every advice ends as a sentence and says what to do', () => {
    for (const [code, advice] of Object.entries(errorCatalogue)) {
      assert.match(advice, /^[A-Z].*\.$/, code)
      assert.ok(advice.includes(';'), `${code}: the cause; then what to do`)
    }
  })

  it('every code is raised somewhere in src/', () => {
    const files = sources().filter((f) => f.path !== join('src', 'core', 'errors.ts'))
    const unused = codes.filter((code) => !files.some((f) => raises(f.text, code)))
    assert.deepEqual(unused, [], 'raise these or remove them from the catalogue')
  })

  it('src/ throws no bare Error, only catalogue errors', () => {
    const found = sources().flatMap(({ path, text }) =>
      text
        .split('\n')
        .map((line, i) => ({ line, at: `${path}:${i + 1}` }))
        .filter(({ line }) => bareError.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    )
    assert.deepEqual(found, [])
  })

  it('protocol code never throws; "cannot happen" goes through unreachable.ts', () => {
    const protocol = join('src', 'protocol')
    const found = sources()
      .filter((f) => f.path.startsWith(protocol) && f.path !== join(protocol, 'unreachable.ts'))
      .filter((f) => /\bthrow\b/.test(f.text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')))
      .map((f) => f.path)
    assert.deepEqual(found, [])
  })

  it('the checks above would see what they look for', () => {
    assert.ok(bareError.test("throw new Error('x')"))
    assert.ok(bareError.test('reject(new RangeError(`x`))'))
    assert.ok(!bareError.test("throw new NutshellError('NS_INTERNAL', 'x')"))
    assert.ok(raises("throw new NutshellError('NS_USAGE', 'x')", 'NS_USAGE'))
    assert.ok(raises("new NutClientError(\n  'NS_CLIENT_TLS', 'x')", 'NS_CLIENT_TLS'))
    assert.ok(!raises("case 'NS_USAGE':", 'NS_USAGE'))
  })
})

describe('describeSystemError', () => {
  const systemError = (message: string, code: string) => Object.assign(new Error(message), { code })

  it('says what happened and the code, without the call and the repeated address', () => {
    assert.equal(
      describeSystemError(
        systemError('listen EADDRINUSE: address already in use 127.0.0.1:3493', 'EADDRINUSE'),
      ),
      'address already in use (EADDRINUSE)',
    )
    assert.equal(
      describeSystemError(
        systemError("ENOENT: no such file or directory, open '/etc/nut/x.pem'", 'ENOENT'),
      ),
      'no such file or directory (ENOENT)',
    )
  })

  it('leaves other errors as they are', () => {
    assert.equal(describeSystemError(new Error('plain')), 'plain')
    assert.equal(
      describeSystemError(systemError('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')),
      'connect ECONNREFUSED 127.0.0.1:1',
    )
    assert.equal(describeSystemError('text'), 'text')
    assert.equal(describeSystemError(null), 'null')
  })
})
