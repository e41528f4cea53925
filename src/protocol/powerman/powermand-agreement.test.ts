import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { hasErrors } from './diagnostics.ts'
import { loadPowermanText } from './load.ts'
import type { IncludeReader } from './parser.ts'

/**
 * The broken fixtures against Debian's real powermand (2.3.27): a file nutshell reports an
 * error in is one powermand refuses to start with, and a file nutshell only warns about
 * (or accepts) is one powermand reads. powermand is run in stdio mode with no input, so it
 * reads the file and stops; "no nodes are defined" means it read it.
 */
const powermand = '/usr/sbin/powermand'
const dir = fileURLToPath(new URL('../../../test/fixtures/powerman/broken/', import.meta.url))
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.dev') || f.endsWith('.conf'))
  .sort()

/** Where nutshell and powermand deliberately differ, and why. */
const differences: Record<string, string> = {
  'missing-login.dev': 'powermand reads it and crashes on the first connect',
  'missing-timeout.dev': 'powermand reads it and stalls on the first action',
  'zero-timeout.dev': 'powermand reads it and stalls on the first action',
  'regex-too-long.dev': 'powermand checks regexes only of specifications a device uses',
  'string-too-long.dev': 'powermand overruns its 8 KiB string buffer without a word',
  'serial-bad-flags.conf': 'powermand checks serial flags only when it opens the line',
  'comment-at-end.dev':
    'nutshell reads a last comment with no newline; powermand calls it a parse error',
  'tcpwrappers-alone.conf':
    "Debian's powermand is built without TCP wrappers and refuses any tcpwrappers line",
}

const readInclude: IncludeReader = (path) => {
  const file = join(dir, path)
  return existsSync(file)
    ? { name: path, text: readFileSync(file, 'latin1') }
    : { error: 'no such file' }
}

describe("broken fixtures agree with Debian's powermand", () => {
  it('powermand is installed (apt-get install powerman)', () => {
    assert.ok(existsSync(powermand), `${powermand} is missing`)
  })

  for (const file of cases) {
    it(file, () => {
      const text = readFileSync(join(dir, file), 'latin1')
      const dialect = text.startsWith('# nutshell-test: dialect 2.3') ? '2.3' : '2.4'
      const ours = hasErrors(loadPowermanText(file, text, { readInclude, dialect }).diagnostics)
      const run = spawnSync(powermand, ['-f', '-s', '-c', file], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 10_000,
        encoding: 'utf8',
      })
      const output = `${run.stdout}${run.stderr}`
      const theirs = !/no nodes are defined/.test(output) || run.signal !== null
      const why = differences[file]
      if (why === undefined)
        assert.equal(
          ours,
          theirs,
          `nutshell ${ours ? 'rejects' : 'accepts'}, powermand said: ${output || run.signal}`,
        )
      else assert.notEqual(ours, theirs, `listed difference gone: ${why}`)
    })
  }
})
