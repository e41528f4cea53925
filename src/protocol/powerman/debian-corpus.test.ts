import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { stripSpans } from '../../../test/fixtures/powerman/strip-spans.ts'
import { flatten } from './check-spec.ts'
import { loadPowermanText } from './load.ts'
import { loadPowermanFile } from './load-file.ts'
import { parsePowerman } from './parser.ts'
import { printPowerman } from './printer.ts'
import { renderDiagnostics } from './render.ts'

/**
 * Debian's powerman package installs 61 device scripts in /etc/powerman (GPL: read where
 * they are installed, never copied into the repository). Every one must parse with no
 * diagnostic at all, under both dialects, and survive print then parse.
 */
const dir = '/etc/powerman'
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.dev'))
      .sort()
  : []

describe("Debian's /etc/powerman .dev files", () => {
  it('are installed (apt-get install powerman)', () => {
    assert.ok(existsSync(dir), `${dir} is missing: install Debian's powerman package`)
    assert.equal(files.length, 61)
  })

  for (const name of files) {
    it(`${name} parses cleanly and round-trips`, () => {
      const loaded = loadPowermanFile(join(dir, name))
      assert.ok(!('error' in loaded), 'error' in loaded ? loaded.error : '')
      assert.equal(
        loaded.diagnostics.length,
        0,
        renderDiagnostics(loaded.sources, loaded.diagnostics),
      )
      const specs = loaded.file.items.filter((i) => i.kind === 'specification')
      assert.ok(specs.length >= 1)
      const text = loaded.sources.get(join(dir, name)) ?? ''
      assert.deepEqual(loadPowermanText(name, text, { dialect: '2.3' }).diagnostics, [])
      const again = parsePowerman(printPowerman(loaded.file), name)
      assert.deepEqual(again.diagnostics, [])
      assert.deepEqual(stripSpans(again.file), stripSpans(loaded.file))
    })
  }

  it('all load through one powerman.conf that includes them by absolute path', () => {
    const conf = files.map((f) => `include "${join(dir, f)}"`).join('\n')
    const loaded = loadPowermanText(
      'powerman.conf',
      `${conf}\ndevice "v0" "vpc" "/usr/sbin/vpcd |&"\nnode "n[0-15]" "v0"\n`,
      {
        readInclude: (path) => {
          const file = loadPowermanFile(path)
          return 'error' in file
            ? { error: file.error }
            : { name: path, text: file.sources.get(path) ?? '' }
        },
      },
    )
    assert.equal(
      loaded.diagnostics.length,
      0,
      renderDiagnostics(loaded.sources, loaded.diagnostics),
    )
    const specs = flatten(loaded.file.items, 'powerman.conf').filter(
      (i) => i.item.kind === 'specification',
    )
    // 68 specifications in 61 files, none named twice (Debian 12's powerman 2.3.27-2).
    assert.equal(specs.length, 68)
  })
})
