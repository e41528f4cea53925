import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { encodeArgument, quote } from '../encode.ts'
import { tokenize } from '../tokenizer.ts'
import type { ConfigDiagnostic } from './diagnostic.ts'
import { openQuoteAtEnd } from './lines.ts'
import { isCompleteSection, parseUpsConf } from './ups-conf.ts'
import { parseUpsdConf } from './upsd-conf.ts'
import { parseUpsdUsers, type UpsdAction } from './upsd-users.ts'
import { parseUpsmonConf } from './upsmon-conf.ts'
import { parseUpsschedConf } from './upssched-conf.ts'

const parsers = {
  'ups.conf': parseUpsConf,
  'upsd.conf': parseUpsdConf,
  'upsd.users': parseUpsdUsers,
  'upsmon.conf': parseUpsmonConf,
  'upssched.conf': parseUpsschedConf,
}

/** Text built from the characters that matter to NUT's grammar, plus anything at all. */
const nastyText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'[]="#\\\n\t\r @:+-_.aAzZ019'.split('')), maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .array(
      fc.tuple(
        fc.constantFrom(
          'MONITOR',
          'AT',
          'LISTEN',
          'MAXAGE',
          '[ups]',
          'password',
          'upsmon',
          'driver',
          'NOTIFYFLAG',
          'CMDSCRIPT',
        ),
        fc.array(fc.string({ maxLength: 8 }), { maxLength: 6 }),
      ),
      { maxLength: 20 },
    )
    .map((lines) => lines.map(([head, rest]) => [head, ...rest].join(' ')).join('\n')),
)

/** fast-check builds objects without a prototype; compare plain data. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

function checkDiagnostics(list: readonly ConfigDiagnostic[], file: string): void {
  for (const d of list) {
    assert.equal(d.file, file)
    assert.ok(d.line >= 0 && d.column >= 0)
    assert.ok(d.message.length > 0)
    assert.ok(d.severity === 'error' || d.severity === 'warning')
  }
}

describe('NUT config readers: properties', () => {
  for (const [name, parse] of Object.entries(parsers)) {
    it(`${name}: never throws and reports well-formed diagnostics`, () => {
      fc.assert(
        fc.property(nastyText, (text) => {
          const r = parse(text, name)
          checkDiagnostics(r.diagnostics, name)
        }),
        { numRuns: 300 },
      )
    })
  }

  it('finds a quote left open at the end exactly when the tokenizer does', () => {
    fc.assert(
      fc.property(nastyText, (text) => {
        const lines = tokenize(text, { continueQuotesAcrossLines: true })
        const open = openQuoteAtEnd(text)
        const last = lines[lines.length - 1]
        if (last?.error?.kind === 'unterminated-quote') assert.notEqual(open, undefined)
        if (open !== undefined) {
          assert.equal(text[open], '"')
          assert.ok(last?.offsets.includes(open), 'the open quote starts a word of the last line')
        } else {
          assert.ok(lines.every((l) => l.error?.kind !== 'unterminated-quote'))
        }
      }),
      { numRuns: 500 },
    )
  })

  const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}$/)
  const printable = fc.string({
    unit: fc.constantFrom(...'ab Z9"#\\=[]@é☕-'.split('')),
    maxLength: 20,
  })

  it('ups.conf: generated files read back as written', () => {
    const section = fc.record({
      name,
      driver: name,
      port: printable.filter((s) => s !== ''),
      desc: fc.option(printable, { nil: undefined }),
      options: fc.dictionary(fc.stringMatching(/^x[a-z.]{0,8}$/), printable, { maxKeys: 4 }),
      flags: fc.uniqueArray(fc.stringMatching(/^f[a-z]{0,6}$/), { maxLength: 3 }),
    })
    const sections = fc.uniqueArray(section, {
      selector: (s) => s.name.toLowerCase(),
      maxLength: 5,
    })
    fc.assert(
      fc.property(sections, fc.option(fc.nat(100), { nil: undefined }), (list, maxRetry) => {
        const lines: string[] = []
        if (maxRetry !== undefined) lines.push(`maxretry = ${maxRetry}`)
        for (const s of list) {
          lines.push(
            `[${s.name}]`,
            `\tdriver = ${encodeArgument(s.driver)}`,
            `\tport = ${quote(s.port)}`,
          )
          if (s.desc !== undefined) lines.push(`\tdesc = ${quote(s.desc)}  # a comment`)
          for (const [k, v] of Object.entries(s.options)) lines.push(`\t${k}=${quote(v)}`)
          for (const f of s.flags) lines.push(`\t${f}`)
        }
        const r = parseUpsConf(lines.join('\n'))
        assert.deepEqual(r.diagnostics, [])
        assert.equal(r.conf.globals.maxRetry, maxRetry)
        assert.deepEqual(
          plain(
            r.conf.sections.filter(isCompleteSection).map((s) => ({
              name: s.name,
              driver: s.driver,
              port: s.port,
              desc: s.desc,
              options: s.options,
              flags: s.flags,
            })),
          ),
          plain(list),
        )
      }),
      { numRuns: 200 },
    )
  })

  it('upsd.users: generated users read back with upsd grants', () => {
    const user = fc.record({
      name: fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/),
      password: printable,
      actions: fc.subarray(['SET', 'FSD', 'LOGIN', 'PRIMARY'] as UpsdAction[]),
      instcmds: fc.uniqueArray(fc.stringMatching(/^[a-z]+\.[a-z]+$/), { maxLength: 3 }),
      upsmon: fc.option(fc.constantFrom('primary' as const, 'secondary' as const), {
        nil: undefined,
      }),
    })
    fc.assert(
      fc.property(fc.uniqueArray(user, { selector: (u) => u.name, maxLength: 5 }), (users) => {
        const lines: string[] = []
        for (const u of users) {
          lines.push(`[${u.name}]`, `  password = ${quote(u.password)}`)
          if (u.actions.length > 0)
            lines.push(`  actions = ${u.actions.map((a) => a.toLowerCase()).join(' ')}`)
          if (u.instcmds.length > 0)
            lines.push(`  instcmds = ${u.instcmds.map((c) => c.toUpperCase()).join(' ')}`)
          if (u.upsmon !== undefined) lines.push(`  upsmon ${u.upsmon}`)
        }
        const r = parseUpsdUsers(lines.join('\n'))
        assert.deepEqual(r.diagnostics, [])
        const order = ['SET', 'FSD', 'LOGIN', 'PRIMARY']
        assert.deepEqual(
          plain(
            r.users.map((u) => ({
              name: u.name,
              password: u.password,
              actions: u.actions,
              instcmds: u.instcmds,
              upsmon: u.upsmon,
            })),
          ),
          plain(
            users.map((u) => {
              const granted = new Set<string>(u.actions)
              if (u.upsmon !== undefined) granted.add('LOGIN')
              if (u.upsmon === 'primary') {
                granted.add('PRIMARY')
                granted.add('FSD')
              }
              return {
                name: u.name,
                password: u.password,
                actions: order.filter((a) => granted.has(a)),
                instcmds: u.instcmds,
                upsmon: u.upsmon,
              }
            }),
          ),
        )
      }),
      { numRuns: 200 },
    )
  })

  it('upsd.conf and upsmon.conf: generated numbers and lists read back', () => {
    const listen = fc.array(
      fc.record({
        host: fc.constantFrom('127.0.0.1', '::1', 'localhost', '0.0.0.0'),
        port: fc.integer({ min: 1, max: 65535 }),
      }),
      { maxLength: 4 },
    )
    fc.assert(
      fc.property(
        listen,
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: -5, max: 100_000 }),
        (l, maxAge, off) => {
          const upsd = parseUpsdConf(
            [`MAXAGE ${maxAge}`, ...l.map((x) => `LISTEN ${x.host} ${x.port}`)].join('\n'),
          )
          assert.deepEqual(upsd.diagnostics, [])
          assert.equal(upsd.conf.maxAge, maxAge)
          assert.deepEqual(
            upsd.conf.listen.map((x) => ({ host: x.host, port: x.port })),
            plain(l),
          )
          const upsmon = parseUpsmonConf(
            `MONITOR u@h:${l[0]?.port ?? 3493} 1 a b primary\nOFFDURATION ${off}\nPOLLFREQ ${maxAge}\n`,
          )
          assert.deepEqual(upsmon.diagnostics, [])
          assert.equal(upsmon.conf.offDuration, off)
          assert.equal(upsmon.conf.pollFreq, maxAge)
          assert.equal(upsmon.conf.monitors[0]?.port, l[0]?.port ?? 3493)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('upssched.conf: generated AT lines read back', () => {
    const at = fc.record({
      type: fc.constantFrom('ONBATT', 'ONLINE', 'LOWBATT', 'COMMBAD'),
      ups: fc.constantFrom('*', 'ups@localhost', 'x@h:1'),
      command: fc.oneof(
        fc.record({
          kind: fc.constant('start-timer' as const),
          timer: name,
          seconds: fc.nat(1000),
          shared: fc.boolean(),
        }),
        fc.record({
          kind: fc.constant('cancel-timer' as const),
          timer: name,
          matched: fc.boolean(),
        }),
        fc.record({ kind: fc.constant('execute' as const), command: name }),
      ),
    })
    fc.assert(
      fc.property(fc.array(at, { maxLength: 8 }), (list) => {
        const lines = ['CMDSCRIPT /bin/cmd', 'PIPEFN /run/p', 'LOCKFN /run/l']
        for (const a of list) {
          const c = a.command
          const tail =
            c.kind === 'start-timer'
              ? `${c.shared ? 'START-TIMER-SHARED' : 'START-TIMER'} ${c.timer} ${c.seconds}`
              : c.kind === 'cancel-timer'
                ? `${c.matched ? 'CANCEL-TIMER-MATCHED' : 'CANCEL-TIMER'} ${c.timer}`
                : `EXECUTE ${c.command}`
          lines.push(`AT ${a.type.toLowerCase()} ${a.ups} ${tail}`)
        }
        const r = parseUpsschedConf(lines.join('\n'))
        assert.deepEqual(r.diagnostics, [])
        assert.deepEqual(
          plain(r.conf.at.map((a) => ({ type: a.notifyType, ups: a.ups, command: a.command }))),
          plain(list),
        )
      }),
      { numRuns: 200 },
    )
  })
})
