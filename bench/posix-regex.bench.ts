/**
 * The POSIX regex matcher (issue 9): ns per match on receive buffers shaped like those of
 * Debian's powerman scripts. powermand runs an `expect` regex over the whole accumulated
 * buffer on every pass of its event loop, so both a hit at the end of the buffer and a
 * miss over all of it (the device has not answered yet) count. JS RegExp (leftmost-first,
 * compiled to machine code by V8) is printed beside for scale: it is not a peer, it gives
 * other answers on some patterns. Run: node --import tsx bench/posix-regex.bench.ts
 */

import { compilePosixRegex, type PosixRegex } from '../src/protocol/posix-regex/index.ts'
import { runCompiled } from './fixtures/run-compiled.ts'

const compiledExit = runCompiled(import.meta.url)
if (compiledExit !== undefined) process.exit(compiledExit)

interface Case {
  readonly name: string
  readonly pattern: string
  /** The same pattern for JS (dotAll; no `m`, `$` kept where the POSIX one has it). */
  readonly js: RegExp
  readonly buffer: string
}

const banner = `${'Welcome to the power controller, firmware 4.2.1\r\n'.repeat(4)}\r\n`
const statusTable = Array.from(
  { length: 16 },
  (_, i) => `plug ${i + 1}: ${i % 3 === 0 ? 'OFF' : 'ON'}\r\n`,
).join('')
const apcLine = `enterprises.318.1.1.4.2.2.0: ${'On Off '.repeat(4).trim()}\n`
const noise = 'x'.repeat(4096)

const cases: Case[] = [
  {
    name: 'prompt at the end of a 205 B buffer',
    pattern: '[0-9]* ?vpc> ',
    js: /[0-9]* ?vpc> /s,
    buffer: `${banner}1 vpc> `,
  },
  {
    name: 'login prompt after a banner',
    pattern: '[Pp]assword: ',
    js: /[Pp]assword: /s,
    buffer: `${banner}login: admin\r\nPassword: `,
  },
  {
    name: 'status line with 2 groups, 16-line table',
    pattern: 'plug ([0-9]+): (ON|OFF)\r\n',
    js: /plug ([0-9]+): (ON|OFF)\r\n/s,
    buffer: `${statusTable}vpc> `,
  },
  {
    name: 'APC SNMP line, 8 groups (apc-snmp shape)',
    pattern: `enterprises.318.1.1.4.2.2.0: ${'(On|Off)[[:space:]]+'.repeat(7)}(On|Off)[[:space:]]*\n`,
    js: new RegExp(`enterprises.318.1.1.4.2.2.0: ${'(On|Off)\\s+'.repeat(7)}(On|Off)\\s*\\n`, 's'),
    buffer: `snmp> ${apcLine}snmp> `,
  },
  {
    name: 'miss: "\\n?[a-z]+> $" ($ never matches: REG_NOTEOL)',
    pattern: '\n?[a-z]+> $',
    js: /\n?[a-z]+> (?!)/s,
    buffer: `${banner}vpc> `,
  },
  {
    name: 'miss: status regex over 4 KiB of other output',
    pattern: 'plug ([0-9]+): (ON|OFF)\r\n',
    js: /plug ([0-9]+): (ON|OFF)\r\n/s,
    buffer: noise,
  },
]

function nsPer(run: () => unknown): number {
  // Rounds of ~100 ms; the median round is reported.
  const rounds: number[] = []
  let n = 1
  for (;;) {
    const t = process.hrtime.bigint()
    for (let i = 0; i < n; i++) run()
    if (Number(process.hrtime.bigint() - t) > 20e6) break
    n *= 2
  }
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint()
    for (let i = 0; i < n * 5; i++) run()
    rounds.push(Number(process.hrtime.bigint() - t) / (n * 5))
  }
  return rounds.sort((a, b) => a - b)[2] as number
}

function compile(pattern: string): PosixRegex {
  const result = compilePosixRegex(pattern)
  if (!result.ok) throw new Error(`${pattern}: ${result.error.message}`)
  return result.regex
}

console.log('POSIX ERE matcher on powerman-style receive buffers (exec with REG_NOTEOL)')
console.log('no peer figure: JS RegExp (leftmost-first, JIT-compiled) is printed for scale only\n')
console.log(
  `${'case'.padEnd(62)} ${'bytes'.padStart(6)} ${'posix ns'.padStart(10)} ${'JS ns'.padStart(8)} ${'ratio'.padStart(6)}`,
)
for (const c of cases) {
  const regex = compile(c.pattern)
  const ours = nsPer(() => regex.exec(c.buffer, { noteol: true }))
  const js = nsPer(() => c.js.exec(c.buffer))
  const hit = regex.exec(c.buffer, { noteol: true }) !== undefined
  console.log(
    `${`${c.name}${hit ? '' : ' (no match)'}`.padEnd(62)} ${String(c.buffer.length).padStart(6)} ${ours.toFixed(0).padStart(10)} ${js.toFixed(0).padStart(8)} ${(ours / js).toFixed(1).padStart(6)}`,
  )
}
