/**
 * nutshell's NUT server against Debian's real upsd 2.8.0 on the same device, the load
 * generated from separate processes: the C closed-loop generator nutload for GET VAR
 * throughput (beside a Node.js server that does nothing, the runtime's own ceiling; CPU per
 * reply of each from /proc), bench/fixtures/load.ts for the rest. Prints each figure for
 * both servers and the ratio. Run: node --import tsx bench/server.bench.ts
 *
 * The same device: real dummy-ups serves a .dev file through real upsd, and
 * `nutshell serve --nut-confpath` serves the same files (a copy of the directory whose
 * upsd.conf differs only in the LISTEN port and a CERTFILE) with its built-in dummy-ups,
 * as plain JavaScript bundled from the sources, as the installed command runs. Should the
 * bundle fail, the server runs through tsx, on a store mirrored from upsd
 * (bench/fixtures/server-child.ts).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type RealNut, startRealNut } from '../test/helpers/nut-peer.ts'
import { freePort } from '../test/helpers/ports.ts'
import { makeTestCertificate } from '../test/helpers/tls-cert.ts'
import { benchCache, bundle } from './fixtures/run-compiled.ts'

const root = fileURLToPath(new URL('..', import.meta.url))

// Thousands of connections need more file descriptors than the usual soft limit of 1024:
// run again under a raised limit (children, upsd included, inherit it).
if (process.env['NS_BENCH_ULIMIT'] === undefined) {
  const result = spawnSync(
    'bash',
    [
      '-c',
      'ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536; exec "$0" "$@"',
      process.execPath,
      ...process.execArgv,
      ...process.argv.slice(1),
    ],
    { stdio: 'inherit', env: { ...process.env, NS_BENCH_ULIMIT: '1' } },
  )
  process.exit(result.status ?? 1)
}

const children: ChildProcess[] = []
function node(args: string[]): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  return child
}

async function firstLine(child: ChildProcess): Promise<string> {
  let text = ''
  child.stdout?.setEncoding('utf8')
  while (!text.includes('\n')) {
    const [chunk] = (await Promise.race([
      once(child.stdout!, 'data'),
      once(child, 'exit').then(() => {
        throw new Error('child exited early')
      }),
    ])) as [string]
    text += chunk
  }
  return text.slice(0, text.indexOf('\n'))
}

type Json = Record<string, number>

async function load(spec: Record<string, unknown>): Promise<Json> {
  const child = node(['--import', 'tsx', 'bench/fixtures/load.ts', JSON.stringify(spec)])
  const line = await firstLine(child)
  await once(child, 'exit')
  return JSON.parse(line) as Json
}

async function withAbuser<T>(spec: Record<string, unknown>, body: () => Promise<T>): Promise<T> {
  const child = node(['--import', 'tsx', 'bench/fixtures/load.ts', JSON.stringify(spec)])
  await firstLine(child)
  await new Promise((resolve) => setTimeout(resolve, 500))
  try {
    return await body()
  } finally {
    child.kill('SIGKILL')
    await once(child, 'exit').catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

/** The process listening on a loopback port (upsd -F writes no PID file). */
function listenerPid(port: number): number {
  const out = execFileSync('ss', ['-Htlnp', `sport = :${port}`]).toString()
  const pid = Number(/pid=(\d+)/.exec(out)?.[1])
  if (!Number.isSafeInteger(pid)) throw new Error(`no process listens on port ${port}: ${out}`)
  return pid
}

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
}

/** `nutshell serve` bundled to plain JavaScript (as the installed command runs), else undefined. */
function bundleServe(): string | undefined {
  const entry = join(benchCache, 'serve-entry.ts')
  const out = join(benchCache, 'serve.mjs')
  mkdirSync(benchCache, { recursive: true })
  writeFileSync(
    entry,
    `import { run } from '${join(root, 'src/cli/commands/serve.ts')}'\nprocess.exitCode = await run(process.argv.slice(2))\n`,
  )
  return bundle(entry, out) ? out : undefined
}

/** The first reply line to one request, or '' when the server does not answer. */
async function ask(port: number, line: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' })
    let text = ''
    const done = (value: string): void => {
      socket.destroy()
      resolve(value)
    }
    socket.setTimeout(2_000, () => done(''))
    socket.on('error', () => done(''))
    socket.on('connect', () => socket.write(`${line}\n`))
    socket.on('data', (d) => {
      text += d.toString('latin1')
      if (text.includes('\n')) done(text.slice(0, text.indexOf('\n')))
    })
  })
}

interface GetVarRound {
  rate: number
  cpuUsPerReply: number
  errors: number
}

/** utime + stime of a process, in microseconds (/proc/PID/stat, fields 14 and 15). */
function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return (ticks * 1e6) / clockTicks
}
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100

/**
 * The C load generator (/work/shared/tools/nutload.c; in CI ../shared/tools beside the
 * repository), compiled with gcc -O2 into `dir` at bench time.
 */
function compileNutload(dir: string): string {
  const candidates = [
    process.env['NUTLOAD_SRC'],
    join(root, '..', 'shared', 'tools', 'nutload.c'),
    join(root, '..', '..', 'shared', 'tools', 'nutload.c'),
  ].filter((p): p is string => p !== undefined)
  const source = candidates.find((p) => existsSync(p))
  if (source === undefined) throw new Error(`nutload.c not found (tried ${candidates.join(', ')})`)
  const binary = join(dir, 'nutload')
  execFileSync('gcc', ['-O2', '-o', binary, source])
  return binary
}

/** One closed-loop run of nutload against `port`, with the server's CPU over it. */
function getVarRound(nutload: string, port: number, pid: number, seconds = 4): GetVarRound {
  const before = cpuMicros(pid)
  const out = execFileSync(nutload, [
    '127.0.0.1',
    String(port),
    '50',
    String(seconds),
    'GET VAR ups ups.status',
  ]).toString()
  const used = cpuMicros(pid) - before
  const replies = Number(/replies=(\d+)/.exec(out)?.[1] ?? 0)
  return {
    rate: Number(/rps=(\d+)/.exec(out)?.[1] ?? 0),
    cpuUsPerReply: replies > 0 ? used / replies : Number.NaN,
    errors: Number(/errors=(\d+)/.exec(out)?.[1] ?? 0),
  }
}

const rows: Array<[string, number, number, 'higher' | 'lower', string]> = []
function row(
  name: string,
  ours: number,
  theirs: number,
  better: 'higher' | 'lower',
  unit: string,
): void {
  rows.push([name, ours, theirs, better, unit])
  const ratio = theirs === 0 ? Number.NaN : ours / theirs
  console.log(
    `${name.padEnd(48)} nutshell ${fmt(ours).padStart(10)} ${unit.padEnd(5)} upsd ${fmt(theirs).padStart(10)} ${unit.padEnd(5)} ratio ${fmt(ratio)} (${better} is better)`,
  )
}
function fmt(n: number): string {
  return n >= 1000 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(3)
}

const dev = [
  'ups.mfr: Acme',
  'ups.model: Bench 1500',
  'ups.status: OL CHRG',
  'ups.load: 23',
  'battery.charge: 100',
  'battery.charge.low: 20',
  'battery.runtime: 3600',
  'battery.voltage: 27.1',
  'input.voltage: 230.0',
  'input.frequency: 50.0',
  'output.voltage: 230.0',
  'ups.temperature: 31.5',
  'ups.serial: BENCH0001',
].join('\n')

const started = Date.now()
/** Removed on a hard stop too. */
const tempDirs: string[] = []
let realNut: RealNut | undefined
const hardStop = setTimeout(() => {
  console.error('benchmark took over 200 s; stopping')
  for (const child of children) child.kill('SIGKILL')
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  // stopAll sends its signals synchronously; the exit need not wait for it.
  void realNut?.processes.stopAll()
  if (realNut !== undefined) rmSync(realNut.dir.base, { recursive: true, force: true })
  process.exit(1)
}, 200_000)
hardStop.unref()

async function main(): Promise<void> {
  const upsdPort = await freePort()
  const nut = await startRealNut(
    {
      'ups.conf': '[ups]\n\tdriver = dummy-ups\n\tport = bench.dev\n\tdesc = "Benchmark UPS"\n',
      'bench.dev': `${dev}\n`,
      'upsd.conf': `LISTEN 127.0.0.1 ${upsdPort}\nMAXCONN 20000\n`,
      'upsd.users': '[admin]\n\tpassword = adminpass\n\tactions = SET FSD\n\tinstcmds = ALL\n',
    },
    ['ups'],
    { port: upsdPort },
  )
  realNut = nut
  const certDir = mkdtempSync(join(tmpdir(), 'ns-bench-'))
  tempDirs.push(certDir)
  try {
    const upsdPid = listenerPid(upsdPort)
    const nsPort = await freePort()
    const pem = makeTestCertificate(certDir).bothFile
    const serveBundle = bundleServe()
    let server: ChildProcess
    let how: string
    if (serveBundle !== undefined) {
      // The same NUT files; only LISTEN differs (upsd holds its port), plus a certificate.
      const etc = join(certDir, 'etc')
      cpSync(nut.dir.etc, etc, { recursive: true })
      writeFileSync(
        join(etc, 'upsd.conf'),
        `LISTEN 127.0.0.1 ${nsPort}\nMAXCONN 20000\nCERTFILE ${pem}\n`,
      )
      server = node([serveBundle, '--nut-confpath', etc, '--log-level', 'error'])
      how = 'nutshell serve --nut-confpath (bundled JavaScript, built-in dummy-ups)'
      const deadline = Date.now() + 20_000
      while (!(await ask(nsPort, 'GET VAR ups ups.serial')).startsWith('VAR ')) {
        if (Date.now() > deadline) throw new Error('nutshell serve did not come up')
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    } else {
      server = node([
        '--import',
        'tsx',
        'bench/fixtures/server-child.ts',
        String(nsPort),
        String(upsdPort),
        pem,
      ])
      how = 'server on a store mirrored from upsd (tsx)'
      await firstLine(server)
    }
    const nsPid = server.pid as number
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    console.log(
      `nutshell: ${how}; ulimit -n ${execFileSync('bash', ['-c', 'ulimit -n']).toString().trim()}`,
    )
    console.log('')

    row('idle RSS, one device (MB)', rssKb(nsPid) / 1024, rssKb(upsdPid) / 1024, 'lower', 'MB')

    // GET VAR at each server's ceiling: 50 connections from the C closed-loop load generator
    // (one process, so the load costs little CPU), rounds interleaved so that every server
    // sees the same machine; the best round counts for the rate, the median for CPU/reply.
    const barePort = await freePort()
    const bareScript = join(benchCache, 'bare-server.mjs')
    const bare = bundle(join(root, 'bench/fixtures/bare-server.ts'), bareScript)
      ? node([bareScript, String(barePort)])
      : node(['--import', 'tsx', 'bench/fixtures/bare-server.ts', String(barePort)])
    await firstLine(bare)
    const nutload = compileNutload(certDir)
    const servers = [
      { name: 'nutshell', port: nsPort, pid: nsPid },
      { name: 'Node.js doing nothing', port: barePort, pid: bare.pid as number },
      { name: 'upsd', port: upsdPort, pid: upsdPid },
    ]
    const rounds = new Map(servers.map((s) => [s.name, [] as GetVarRound[]]))
    // Warm-up: nutshell's hot path reaches its speed only once V8 has optimised it.
    for (const server of servers) getVarRound(nutload, server.port, server.pid, 2)
    for (let round = 0; round < 3; round++) {
      // Each round in another order: no server always runs right after the same one.
      for (let i = 0; i < servers.length; i++) {
        const server = servers[(i + round) % servers.length] as (typeof servers)[number]
        rounds.get(server.name)?.push(getVarRound(nutload, server.port, server.pid))
      }
    }
    const best = (name: string): GetVarRound => {
      const all = rounds.get(name) ?? []
      const rates = all.map((r) => r.rate)
      const cpu = all.map((r) => r.cpuUsPerReply).sort((a, b) => a - b)
      return {
        rate: Math.max(...rates),
        cpuUsPerReply: cpu[Math.floor(cpu.length / 2)] ?? 0,
        errors: all.reduce((n, r) => n + r.errors, 0),
      }
    }
    const [ns, nothing, real] = servers.map((s) => best(s.name)) as [
      GetVarRound,
      GetVarRound,
      GetVarRound,
    ]
    console.log(
      'GET VAR, 50 clients, C load generator (nutload), best of 3 interleaved rounds after a warm-up:',
    )
    for (const [name, r] of [
      ['nutshell', ns],
      ['Node.js doing nothing', nothing],
      ['upsd', real],
    ] as const) {
      console.log(
        `  ${name.padEnd(24)} ${fmt(r.rate).padStart(8)} replies/s   CPU ${r.cpuUsPerReply.toFixed(2)} µs/reply (user + system, median)${r.errors > 0 ? `   ${r.errors} errors` : ''}`,
      )
    }
    console.log(
      `  ratios: nutshell / Node.js doing nothing ${fmt(ns.rate / nothing.rate)} (goal >= 0.95), nutshell / upsd ${fmt(ns.rate / real.rate)}`,
    )
    console.log(
      `  rounds (replies/s): ${servers.map((s) => `${s.name} ${(rounds.get(s.name) ?? []).map((r) => fmt(r.rate)).join(' ')}`).join('; ')}`,
    )
    row('GET VAR round trips, 50 clients (replies/s)', ns.rate, real.rate, 'higher', '/s')
    bare.kill('SIGKILL')

    const list = async (port: number) =>
      load({ mode: 'latency', port, request: 'LIST VAR ups', count: 100, warmup: 3 })
    const [nsList, upsdList] = [await list(nsPort), await list(upsdPort)]
    row(
      'LIST VAR (20 vars), one client, p50 (ms)',
      nsList['p50'] as number,
      upsdList['p50'] as number,
      'lower',
      'ms',
    )
    row(
      'LIST VAR (20 vars), one client, p99 (ms)',
      nsList['p99'] as number,
      upsdList['p99'] as number,
      'lower',
      'ms',
    )

    const idle = async (port: number, pid: number) =>
      load({ mode: 'idle', port, ups: 'ups', connections: 5_000, serverPid: pid, count: 500 })
    const [nsIdle, upsdIdle] = [await idle(nsPort, nsPid), await idle(upsdPort, upsdPid)]
    row(
      '5,000 idle connections: server RSS (MB)',
      (nsIdle['rssKb'] as number) / 1024,
      (upsdIdle['rssKb'] as number) / 1024,
      'lower',
      'MB',
    )
    row(
      '5,000 idle connections: probe p99 (ms)',
      nsIdle['p99'] as number,
      upsdIdle['p99'] as number,
      'lower',
      'ms',
    )
    console.log(
      `  (connections still open at the end: nutshell ${nsIdle['alive']}, upsd ${upsdIdle['alive']})`,
    )

    for (const kind of ['starttls', 'pipeline', 'silent', 'oversize', 'bruteforce'] as const) {
      const probe = async (port: number) =>
        withAbuser({ mode: 'abuse', port, ups: 'ups', kind }, () =>
          load({
            mode: 'latency',
            port,
            request: 'GET VAR ups ups.status',
            count: 300,
            warmup: 10,
          }),
        )
      const [ours, theirs] = [await probe(nsPort), await probe(upsdPort)]
      row(
        `abuse "${kind}": probe p99 (ms)`,
        ours['p99'] as number,
        theirs['p99'] as number,
        'lower',
        'ms',
      )
      if ((ours['unanswered'] ?? 0) + (theirs['unanswered'] ?? 0) > 0) {
        console.log(
          `  (probe requests never answered within 5 s: nutshell ${ours['unanswered']}, upsd ${theirs['unanswered']})`,
        )
      }
    }
    console.log('')
    console.log(`(benchmark ran ${((Date.now() - started) / 1000).toFixed(0)} s)`)
    console.log(
      'upsd has no certificate here, so its "starttls" case is a plain ERR reply; nutshell holds the handshakes open.',
    )
  } finally {
    for (const child of children) child.kill('SIGKILL')
    await nut.stop()
    rmSync(certDir, { recursive: true, force: true })
  }
}

await main()
