/**
 * Every regex in Debian's powerman device scripts (/etc/powerman/*.dev, read in place:
 * they are GPL and never copied here) compiles, and on device output written for this test
 * matches exactly as glibc does with powermand's flags: REG_EXTENDED and REG_NOTEOL for
 * `expect`, REG_EXTENDED|REG_NOSUB for the on=/off=/success= interpretations.
 * The strings are found with a small scan, not the .dev parser (another module).
 */

import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { compilePosixRegex } from './index.ts'
import {
  GlibcReference,
  REG_NOSUB,
  REG_NOTEOL,
  type ReferenceCase,
  type ReferenceResult,
} from './test-support.ts'

const devDir = '/etc/powerman'

interface CorpusRegex {
  readonly file: string
  readonly kind: 'expect' | 'interpretation'
  readonly regex: string
}

/** A .dev string literal's value, with powerman's lexer escapes. */
function stringValue(body: string): string {
  const simple: Record<string, string> = {
    a: '\x07',
    b: '\b',
    e: '\x1b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
    v: '\v',
  }
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string
    if (c !== '\\' || i + 1 >= body.length) {
      out += c
      continue
    }
    const d = body[i + 1] as string
    if (/[0-9]{3}/.test(body.slice(i + 1, i + 4))) {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 4), 8) & 0xff)
      i += 3
    } else {
      out += Object.hasOwn(simple, d) ? simple[d] : d
      i += 1
    }
  }
  return out
}

/** The file without comments (a `#` outside a string runs to the end of the line). */
function withoutComments(text: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (inString) {
      out += c
      if (c === '\\') out += text[++i] ?? ''
      else if (c === '"' || c === '\n') inString = false
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
    } else {
      if (c === '"') inString = true
      out += c
    }
  }
  return out
}

function corpus(): CorpusRegex[] {
  const out: CorpusRegex[] = []
  const files = readdirSync(devDir).filter((f) => f.endsWith('.dev'))
  for (const file of files) {
    const text = withoutComments(readFileSync(join(devDir, file), 'latin1'))
    for (const m of text.matchAll(/\bexpect\s+"((?:[^"\\\n]|\\.)*)"/g)) {
      // powermand also turns the two characters \r and \n into CR and LF in expect.
      const regex = stringValue(m[1] as string)
        .replaceAll('\\r', '\r')
        .replaceAll('\\n', '\n')
      out.push({ file, kind: 'expect', regex })
    }
    for (const m of text.matchAll(/\b(?:on|off|success)="((?:[^"\\\n]|\\.)*)"/g)) {
      out.push({ file, kind: 'interpretation', regex: stringValue(m[1] as string) })
    }
  }
  return out
}

/** Device output written for this test, in the shapes the shipped scripts expect. */
const samples = [
  '\r\nlogin: ',
  'Password: ',
  'Welcome\r\n1 vpc> ',
  'vpc> ',
  'plug 1: ON\nplug 2: OFF\n',
  'N1:1 N2:0 N3:1 N4:1 N5:0 N6:0 N7:1 N8:0 N9:1 N10:0 N11:1 N12:0  \r\n',
  'N1:ON N2:OFF N3:ON N4:ON N5:OFF N6:OFF N7:ON N8:OFF N9:ON N10:OFF N11:ON N12:OFF \r\n',
  'enterprises.318.1.1.4.2.2.0: On On Off On Off Off On On\n',
  'enterprises.318.1.1.26.9.2.3.1.5.4: 1\nenterprises.318.1.1.26.9.2.3.1.5.5: 2\n',
  ' Outlet 3: On\r\n Outlet 4 : Off\r\n',
  '[OK PWR:On H:12 T:ok]\r\n',
  'xyz.openbmc_project.State.Chassis.PowerState.Off\n',
  "Enter 'YES' to continue or <ENTER> to cancel : ",
  'on\n',
  'off\n',
  'ok\n',
  'error: verification failed\n',
  'Command successfully issued.\r\n',
  ' 1 | Outlet 1 | On  |\r\n 2 | Outlet 2 | Off |\r\nRPC-3>',
  '0,  1,  0,  1,  1,  0,  0,  1,  1,  0,  1,  0,  1,  0,  0,  1\n',
  'enterprises.13742.4.1.2.2.1.7.3 = Gauge32: 42\n',
  'host1: on\nhost2: off\nhost3: unknown\n',
  'Power is ON\r\nPower is OFF\r\n>',
  '\xff\xfb\x01\xff\xfb\x03User Name : ',
]

let glibc: GlibcReference
before(() => {
  glibc = new GlibcReference()
})
after(() => glibc.close())

describe("Debian's powerman .dev regexes", () => {
  const regexes = corpus()

  it('are found in /etc/powerman (powerman is installed)', () => {
    assert.ok(regexes.length > 300, `only ${regexes.length} regexes found in ${devDir}`)
    assert.ok(new Set(regexes.map((r) => r.file)).size >= 50)
  })

  it('all compile, here and in glibc', () => {
    const failed = regexes.filter((r) => !compilePosixRegex(r.regex).ok)
    assert.deepEqual(failed, [])
    const reference = glibc.run(regexes.map((r) => ({ pattern: r.regex, subject: '' })))
    assert.deepEqual(
      regexes.filter((_, i) => reference[i]?.kind === 'error'),
      [],
    )
  })

  it('match sample device output exactly as glibc does with powermand flags', () => {
    const unique = [...new Map(regexes.map((r) => [`${r.kind}\0${r.regex}`, r])).values()]
    const cases: ReferenceCase[] = []
    for (const r of unique) {
      for (const subject of samples) {
        cases.push(
          r.kind === 'expect'
            ? { pattern: r.regex, subject, eflags: REG_NOTEOL }
            : { pattern: r.regex, subject, cflags: REG_NOSUB },
        )
      }
    }
    const reference = glibc.run(cases)
    let matched = 0
    const differences: string[] = []
    cases.forEach((c, i) => {
      const nosub = c.cflags === REG_NOSUB
      const compiled = compilePosixRegex(c.pattern, { nosub })
      assert.ok(compiled.ok)
      const m = compiled.regex.exec(c.subject, { noteol: c.eflags === REG_NOTEOL })
      const got =
        m === undefined
          ? 'N'
          : nosub
            ? 'M'
            : ['M', ...m.spans.map((s) => (s ? `${s.start} ${s.end}` : '-1 -1'))].join(' ')
      const r = reference[i] as ReferenceResult
      const want =
        r.kind === 'match' ? ['M', ...r.registers].join(' ') : r.kind === 'nomatch' ? 'N' : r.kind
      if (m !== undefined) matched++
      if (got !== want) differences.push(`${JSON.stringify(c)}: glibc ${want}, ours ${got}`)
    })
    assert.deepEqual(differences, [])
    // The samples are meant to exercise matches, not only misses.
    assert.ok(matched > 100, `only ${matched} matches`)
  })
})
