import assert from 'node:assert/strict'
import { describe } from 'node:test'
import fc from 'fast-check'
import type { ConfigDiagnostic } from '../../src/protocol/nut-config/diagnostic.ts'
import { parseUpsConf } from '../../src/protocol/nut-config/ups-conf.ts'
import { parseUpsdConf } from '../../src/protocol/nut-config/upsd-conf.ts'
import { parseUpsdUsers } from '../../src/protocol/nut-config/upsd-users.ts'
import { parseUpsmonConf } from '../../src/protocol/nut-config/upsmon-conf.ts'
import { parseUpsschedConf } from '../../src/protocol/nut-config/upssched-conf.ts'
import { assertBounded, fuzz, fuzzRuns, neverThrowsUntyped, noisyText } from '../helpers/fuzz.ts'

// Every NUT config file nutshell reads (src/protocol/nut-config): ups.conf, upsd.conf,
// upsd.users, upsmon.conf, upssched.conf. A bad line must come back as a diagnostic that
// points into the file, never as a throw or a silently changed setting.
type Parse = (text: string, file?: string) => { diagnostics: ConfigDiagnostic[] }
const parsers = {
  'ups.conf': {
    parse: parseUpsConf as Parse,
    words: [
      '[ups]',
      '[',
      ']',
      'driver',
      'port',
      '=',
      'dummy-ups',
      'desc',
      'maxretry',
      'pollinterval',
      'user',
      'mode',
      'dummy-once',
      'x.dev',
    ],
  },
  'upsd.conf': {
    parse: parseUpsdConf as Parse,
    words: [
      'LISTEN',
      '127.0.0.1',
      '::1',
      '3493',
      'MAXAGE',
      'MAXCONN',
      'CERTFILE',
      'STATEPATH',
      'TRACKINGDELAY',
      'ALLOW_NO_DEVICE',
      'DEBUG_MIN',
      'true',
    ],
  },
  'upsd.users': {
    parse: parseUpsdUsers as Parse,
    words: [
      '[admin]',
      '[',
      ']',
      'password',
      '=',
      'actions',
      'SET',
      'FSD',
      'instcmds',
      'ALL',
      'upsmon',
      'primary',
      'secondary',
      'master',
      'slave',
    ],
  },
  'upsmon.conf': {
    parse: parseUpsmonConf as Parse,
    words: [
      'MONITOR',
      'ups@localhost:3493',
      'ups@[::1]',
      '1',
      'user',
      'pass',
      'primary',
      'secondary',
      'MINSUPPLIES',
      'SHUTDOWNCMD',
      'NOTIFYCMD',
      'POLLFREQ',
      'DEADTIME',
      'HOSTSYNC',
      'NOTIFYFLAG',
      'ONBATT',
      'SYSLOG+EXEC',
      'NOTIFYMSG',
      'FINALDELAY',
      'SHUTDOWNEXIT',
      'CERTHOST',
    ],
  },
  'upssched.conf': {
    parse: parseUpsschedConf as Parse,
    words: [
      'CMDSCRIPT',
      'PIPEFN',
      'LOCKFN',
      '/tmp/x',
      'AT',
      'ONBATT',
      'ONLINE',
      '*',
      'START-TIMER',
      'CANCEL-TIMER',
      'EXECUTE',
      'onbatt',
      '30',
    ],
  },
}
const common = ['\n', ' ', '"', '\\', '#', '=', '\t', '\r\n', 'é', '\x00']

/** Every diagnostic is about this file and points at a line and column that exist in it. */
function assertPositioned(
  diagnostics: readonly ConfigDiagnostic[],
  text: string,
  file: string,
): void {
  const lines = text.split('\n')
  for (const d of diagnostics) {
    assert.equal(d.file, file)
    assert.ok(d.severity === 'error' || d.severity === 'warning')
    assert.ok(d.message.length > 0)
    assert.ok(Number.isInteger(d.line) && Number.isInteger(d.column))
    if (d.line === 0) {
      assert.equal(d.column, 0, 'a whole-file problem has no column')
      continue
    }
    assert.ok(d.line >= 1 && d.line <= lines.length, `line ${d.line} of ${lines.length}`)
    // Column 1 past the end is the end of the line (an unclosed quote, a missing word).
    // Columns count UTF-16 code units, as the editors' LSP positions do.
    const width = (lines[d.line - 1] ?? '').length
    assert.ok(
      d.column >= 1 && d.column <= width + 2,
      `column ${d.column} of a ${width}-character line`,
    )
  }
}

/** Registers the properties for some of the files (two test files share the work). */
export function fuzzNutConfigs(files: ReadonlyArray<keyof typeof parsers>): void {
  describe(`fuzz: NUT config files (${files.join(', ')})`, () => {
    for (const file of files) {
      const { parse, words } = parsers[file]
      const text = noisyText([...words, ...common], 60)
      fuzz(
        `${file}: never throws, every diagnostic points into the file, output bounded`,
        text,
        (input) => {
          const result = neverThrowsUntyped(() => parse(input, file))
          assert.ok(result !== undefined, 'parsers return, never throw')
          assertPositioned(result.diagnostics, input, file)
          assertBounded(result, input.length, { base: 4096, perUnit: 300 })
        },
      )
      // Memory per input grows with the input, not faster: the same bound holds for files
      // made of up to 12 copies of one (a quadratic cost would break it there).
      fuzz(
        `${file}: big files (k copies of one) keep the same bound per character`,
        fc.tuple(text, fc.integer({ min: 2, max: 12 })),
        ([input, k]) => {
          const big = `${input}\n`.repeat(k)
          assertBounded(parse(big, file), big.length, { base: 4096, perUnit: 300 })
        },
        { runs: Math.max(100, Math.floor(fuzzRuns / 20)) },
      )
    }
  })
}
