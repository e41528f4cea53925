/**
 * `nutshell upsc|upsrw|upscmd` against Debian's `upsc|upsrw|upscmd` 2.8.0, both talking to
 * the same REAL upsd (with a REAL dummy-ups, and a stand-in driver for the variable types
 * dummy-ups cannot make). For every case the exit code, stdout and stderr must be
 * identical, with two documented differences (docs/tools.md): the NSS line "Init SSL
 * without certificate database" that Debian's upsc prints on stderr, and the help texts
 * and version lines, which are nutshell's own words (both sides' are replaced by a marker,
 * so a case still proves that help is printed where, and with the exit code, NUT prints it).
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { upscmdUsage, upscUsage, upsrwUsage, versionLine } from '../../src/cli/nut-tools-usage.ts'
import { NutClient } from '../../src/client/nut-client.ts'
import { dummyDev, dummySection, upsdUsersFile } from '../helpers/nut-files.ts'
import { type RealNut, startRealNut } from '../helpers/nut-peer.ts'
import { sampleUsers } from '../helpers/nut-server-fixture.ts'
import { freePort } from '../helpers/ports.ts'
import { run } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'
import {
  type FakeDriver,
  fakeDriverSections,
  richDump,
  startFakeDriver,
} from './client-fake-driver.ts'
import type { ToolCase, ToolResult } from './tools-runner.ts'

export const nutFiles: Record<string, string> = {
  'ups.conf': [
    'maxretry = 3',
    ...dummySection,
    ...fakeDriverSections,
    '\tdesc = "driver never started"',
    '',
  ].join('\n'),
  'dummy.dev': [...dummyDev, ''].join('\n'),
  'upsd.users': upsdUsersFile(sampleUsers),
}

const root = fileURLToPath(new URL('../..', import.meta.url))

let nut: RealNut
let driver: FakeDriver
let closedPort: number
let scratch: string

before(async () => {
  const port = await freePort()
  nut = await startRealNut(nutFiles, ['dummy'], { port, extraUpsdConf: `LISTEN ::1 ${port}\n` })
  driver = await startFakeDriver(join(nut.dir.run, 'fakedrv-rich'), {
    dump: richDump,
    instcmdResults: { 'test.failure.start': null, 'load.on': 3 },
  })
  await waitFor(
    async () => (await run('upsc', [`rich@127.0.0.1:${nut.port}`, 'ups.id'])).code === 0,
    { what: 'upsd serving the stand-in driver' },
  )
  closedPort = await freePort()
  scratch = await mkdtemp(join(tmpdir(), 'ns-tools-'))
})

after(async () => {
  await driver?.close()
  await nut?.stop()
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true })
})

const tools = ['upsc', 'upsrw', 'upscmd'] as const
const ourHelp: Record<string, string> = { upsc: upscUsage, upsrw: upsrwUsage, upscmd: upscmdUsage }
/** Debian's own help texts, read from the tools at run time (never stored here). */
const realHelp: Record<string, string> = {}

before(async () => {
  for (const tool of tools) realHelp[tool] = (await run(tool, ['-h'])).stdout
})

function withoutHelp(text: string, help: readonly string[], versions: RegExp): string {
  let out = text
  for (const h of help) if (h !== '') out = out.split(h).join('<help>')
  return out.replace(versions, '<version>\n')
}

/** Debian's tool, invoked by name through PATH as a script would (argv[0] matters). */
async function realTool(item: ToolCase, input = ''): Promise<ToolResult> {
  const result = await run(item.tool, item.args, { input, timeoutMs: 30_000 })
  const stderr = result.stderr
    .split('\n')
    .filter((line) => line !== 'Init SSL without certificate database')
    .join('\n')
  const help = Object.values(realHelp)
  const versions = /^Network UPS Tools \S+ 2\.8\.0\n/gm
  return {
    code: result.code ?? -1,
    stdout: withoutHelp(result.stdout, help, versions),
    stderr: withoutHelp(stderr, help, versions),
  }
}

function normaliseOurs(result: ToolResult): ToolResult {
  const help = Object.values(ourHelp)
  const versions = new RegExp(
    `^(${tools.map((t) => versionLine(t).trim().replace(/[.()]/g, '\\$&')).join('|')})\\n`,
    'gm',
  )
  return {
    code: result.code,
    stdout: withoutHelp(result.stdout, help, versions),
    stderr: withoutHelp(result.stderr, help, versions),
  }
}

/** Ours, many cases in one process (tools-runner.ts). */
async function ourTools(cases: ToolCase[]): Promise<ToolResult[]> {
  const file = join(scratch, `cases-${Math.random().toString(36).slice(2)}.json`)
  await writeFile(file, JSON.stringify(cases))
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/interop/tools-runner.ts', file], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d
  })
  const [code] = (await once(child, 'close')) as [number]
  assert.equal(code, 0, 'tools-runner failed')
  return (JSON.parse(stdout) as ToolResult[]).map(normaliseOurs)
}

/** Ours as a real process through src/cli/main.ts (for the cases that read stdin). */
async function ourProcess(item: ToolCase, input: string): Promise<ToolResult> {
  const result = await run(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', item.tool, ...item.args],
    {
      input,
      cwd: root,
      timeoutMs: 30_000,
    },
  )
  return normaliseOurs({ code: result.code ?? -1, stdout: result.stdout, stderr: result.stderr })
}

/**
 * Runs every case with both tools and compares. `sequential`: the real tool's cases run one
 * after the other (ours always do), for cases whose answers depend on order; the two
 * sequences still run side by side, since no case's output depends on the other tool's.
 */
async function compare(cases: ToolCase[], sequential = false): Promise<void> {
  const realRuns = async (): Promise<ToolResult[]> => {
    if (!sequential) return Promise.all(cases.map((c) => realTool(c)))
    const results: ToolResult[] = []
    for (const c of cases) results.push(await realTool(c))
    return results
  }
  const [ours, real] = await Promise.all([ourTools(cases), realRuns()])
  cases.forEach((item, i) => {
    assert.deepEqual(ours[i], real[i], `${item.tool} ${item.args.join(' ')}`)
  })
}

const at = (ups: string): string => `${ups}@127.0.0.1:${nut.port}`
const upsc = (...args: string[]): ToolCase => ({ tool: 'upsc', args })
const upsrw = (...args: string[]): ToolCase => ({ tool: 'upsrw', args })
const upscmd = (...args: string[]): ToolCase => ({ tool: 'upscmd', args })
const admin = ['-u', 'admin', '-p', 'adminpass']

describe('nutshell tools = Debian NUT 2.8.0 tools (real upsd)', () => {
  test('reading: upsc, upsrw listing, upscmd -l, usage and errors', async () => {
    const watcher = await NutClient.connect({ host: '127.0.0.1', port: nut.port })
    await watcher.authenticate('mons', 'secpass')
    await watcher.login('dummy') // so that upsc -c has clients to list
    const watcher6 = await NutClient.connect({ host: '::1', port: nut.port })
    await watcher6.authenticate('mons', 'secpass')
    await watcher6.login('dummy')
    try {
      await compare([
        upsc('-l', `127.0.0.1:${nut.port}`),
        upsc('-L', `127.0.0.1:${nut.port}`),
        upsc('-L', '-l', `localhost:${nut.port}`),
        upsc('-l', `[::1]:${nut.port}`),
        upsc(`dummy@[::1]:${nut.port}`, 'ups.status'),
        upsrw(`rich@[::1]:${nut.port}`),
        upscmd('-l', `dummy@[::1]:${nut.port}`),
        upsc(at('dummy')),
        upsc(at('DUMMY')),
        upsc(at('rich')),
        upsc(at('dummy'), 'ups.status'),
        upsc(at('dummy'), 'UPS.STATUS'),
        upsc(at('dummy'), 'server.version'),
        upsc(at('dummy'), 'nosuch.var'),
        upsc(at('dummy'), 'noperiod'),
        upsc(at('dummy'), '-l'),
        upsc(at('dummy'), '--', '--json'),
        upsc(at('nosuch')),
        upsc(at('nosuch'), 'ups.status'),
        upsc(at('ghost')),
        upsc(at('ghost'), 'ups.status'),
        upsc('-c', at('dummy')),
        upsc('-c', at('rich')),
        upsc('-c', at('nosuch')),
        upsc(`dummy@127.0.0.1:${closedPort}`),
        upsc('-l', `127.0.0.1:${closedPort}`),
        upsc('dummy@no-such-host.invalid'),
        upsc('dummy@127.0.0.1:abc'),
        upsc('dummy@127.0.0.1:0'),
        upsc('dummy@[::1'),
        upsc('dummy@'),
        upsc(''),
        upsc(),
        upsc('-c'),
        upsc('-h'),
        upsc('-x'),
        upsc('-V'),
        upsrw(at('dummy')),
        upsrw(at('rich')),
        upsrw('-l', at('rich')),
        upsrw('-s', 'x.y=1', '-l', at('rich')),
        upsrw(at('nosuch')),
        upsrw(at('ghost')),
        upsrw(`rich@127.0.0.1:${closedPort}`),
        upsrw('rich@127.0.0.1:abc'),
        upsrw(),
        upsrw('-h'),
        upsrw('-s'),
        upsrw('-x'),
        upsrw('-V'),
        upsrw('-t', 'abc', at('rich')),
        upsrw('-t', '99999999999', at('rich')),
        upscmd('-l', at('dummy')),
        upscmd('-l', at('rich')),
        upscmd('-l', at('nosuch')),
        upscmd('-l', at('ghost')),
        upscmd('-l'),
        upscmd(at('rich')),
        upscmd(),
        upscmd('-h'),
        upscmd('-x'),
        upscmd('-V'),
        upscmd('-u'),
        upscmd(...admin, `rich@127.0.0.1:${closedPort}`, 'load.off'),
      ])
    } finally {
      watcher.destroy()
      watcher6.destroy()
    }
  })

  test('writing: upsrw -s and upscmd, with and without -w, and their errors', async () => {
    // Each tool's cases in order; the results do not depend on the other tool's writes.
    await compare(
      [
        upsrw('-s', 'ups.id=hello', ...admin, at('rich')),
        upsrw('-s', 'ups.id=with space', ...admin, '-w', at('rich')),
        upsrw('-s', 'ups.id=tracked', ...admin, '-w', at('dummy')),
        upsrw('-s', 'ups.id=x', '-u', 'admin', '-p', 'wrong', at('rich')),
        upsrw('-s', 'ups.id=x', '-u', 'viewer', '-p', 'viewpass', at('rich')),
        upsrw('-s', 'nosuch.var=1', ...admin, at('rich')),
        upsrw('-s', 'battery.charge=1', ...admin, at('rich')),
        upsrw('-s', 'ups.id=waytoolongvalueforsixteen', ...admin, at('rich')),
        upsrw('-s', 'input.transfer.high=245', ...admin, at('rich')),
        upsrw('-s', 'battery.charge.low=45', ...admin, at('rich')),
        upsrw('-s', 'battery.charge.low=55', ...admin, '-w', at('rich')),
        upsrw('-s', 'noperiod=1', ...admin, at('rich')),
        upsrw('-s', 'ups.id=x', ...admin, at('nosuch')),
        upsrw('-t', '0', '-s', 'ups.id=1', ...admin, '-w', at('rich')),
        upscmd(...admin, at('rich'), 'load.off'),
        upscmd(...admin, '-w', at('rich'), 'load.off'),
        upscmd(...admin, '-w', at('rich'), 'load.off', '5'),
        upscmd(...admin, '-w', at('rich'), 'load.on'),
        upscmd(...admin, '-w', at('dummy'), 'load.off'),
        upscmd(...admin, '-w', at('dummy'), 'load.off', '5'),
        upscmd('-uadmin', '-padminpass', at('dummy'), 'load.off', 'with space'),
        upscmd(...admin, at('rich'), 'bogus.cmd'),
        upscmd(...admin, at('rich'), 'bogus'),
        upscmd('-u', 'admin', '-p', 'wrong', at('rich'), 'load.off'),
        upscmd(...admin, at('nosuch'), 'load.off'),
        upscmd(...admin, '-t', '1', '-w', at('rich'), 'test.failure.start'),
      ],
      true,
    )
  })

  test('--json output (shapes documented in docs/tools.md)', async () => {
    const cases = [
      upsc('--json', '-l', `127.0.0.1:${nut.port}`),
      upsc(at('dummy'), 'ups.status', '--json'),
      upsc('--json', at('dummy')),
      upsc('--json', '-c', at('rich')),
      upsrw('--json', at('rich')),
      upscmd('--json', '-l', at('dummy')),
      upscmd('--json', ...admin, '-w', at('dummy'), 'load.off'),
      upsrw('--json', '-s', 'x.custom=json', ...admin, at('rich')),
      upsc('--json', at('nosuch')),
      upsc(at('dummy'), '--', '--json'),
    ]
    const [list, one, all, clients, rw, cmds, cmd, set, error, literal] = await ourTools(cases)
    const parse = (r: ToolResult | undefined): unknown => JSON.parse(r?.stdout ?? '')
    assert.deepEqual(parse(list), [
      { name: 'dummy', description: 'Test "quoted" UPS # not a comment' },
      { name: 'rich', description: 'Description unavailable' },
      { name: 'ghost', description: 'driver never started' },
    ])
    assert.deepEqual(parse(one), { 'ups.status': 'OL CHRG' })
    assert.equal((parse(all) as Record<string, string>)['driver.name'], 'dummy-ups')
    assert.deepEqual(parse(clients), [])
    const listed = parse(rw) as Array<Record<string, unknown>>
    assert.deepEqual(
      listed.find((v) => v['name'] === 'input.transfer.high'),
      {
        name: 'input.transfer.high',
        description: 'High voltage transfer point (V)',
        type: ['RW', 'ENUM', 'NUMBER'],
        value: '250',
        options: ['240', '250', '260'],
      },
    )
    assert.deepEqual(listed.find((v) => v['name'] === 'battery.charge.low')?.['ranges'], [
      { min: 5, max: 40 },
      { min: 50, max: 60 },
    ])
    assert.equal(listed.find((v) => v['name'] === 'ups.beeper.status')?.['maxLength'], 10)
    assert.deepEqual(parse(cmds), [
      { name: 'load.off', description: 'Turn off the load immediately' },
    ])
    const result = parse(cmd) as { result: string; trackingId: string }
    assert.equal(result.result, 'ERR UNKNOWN')
    assert.match(result.trackingId, /^[0-9A-F-]{36}$/)
    assert.deepEqual(parse(set), { result: 'OK' })
    assert.equal(error?.code, 1)
    assert.equal(error?.stdout, '')
    assert.deepEqual(JSON.parse(error?.stderr ?? ''), {
      error: { code: 'UNKNOWN-UPS', message: 'Error: Unknown UPS' },
    })
    // After `--`, --json is an operand again (here: a variable name without a dot).
    assert.deepEqual(literal, {
      code: 1,
      stdout: '',
      stderr: 'Error: old-style variable names are not supported\n',
    })
  })

  test('prompts for user name, password and value read stdin as NUT does', async () => {
    const cases: Array<[ToolCase, string]> = [
      [upsrw('-s', 'ups.id=prompted', at('rich')), 'admin\nadminpass\n'],
      [upsrw('-s', 'ups.id=x', at('rich')), 'admin\n'],
      [upsrw('-s', 'ups.id', '-u', 'admin', at('rich')), 'adminpass\nfrom stdin\n'],
      [upscmd(at('rich'), 'load.off'), ''],
      [upscmd('-u', 'admin', at('rich'), 'load.off'), 'adminpass\n'],
    ]
    for (const [item, input] of cases) {
      const [ours, real] = await Promise.all([ourProcess(item, input), realTool(item, input)])
      assert.deepEqual(
        ours,
        real,
        `${item.tool} ${item.args.join(' ')} <<< ${JSON.stringify(input)}`,
      )
    }
    // With --json the prompts move to stderr, so stdout is only the JSON document.
    const json = await ourProcess(
      upsrw('--json', '-s', 'x.custom=p', at('rich')),
      'admin\nadminpass\n',
    )
    assert.deepEqual(JSON.parse(json.stdout), { result: 'OK' })
    assert.match(json.stderr, /^Username \(.*\): Password: $/)
  })
})
