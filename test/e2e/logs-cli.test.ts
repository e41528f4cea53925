import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createNutDir, type NutDir } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { run } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'

// What a person sees of `nutshell serve`'s log: text at a terminal (a real pseudo-terminal
// from util-linux `script`), JSON lines in a pipe, and a clear refusal of a bad level.
const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const dirs: NutDir[] = []
after(() => Promise.all(dirs.map((d) => d.cleanup())))

/** A NUT directory whose dummy device logs a warning (a bad line in its .dev file). */
async function config(): Promise<NutDir> {
  const port = await freePort()
  const dir = await createNutDir({
    'ups.conf': '[rack]\n\tdriver = dummy-ups\n\tport = rack.dev\n',
    'rack.dev': 'ups.status: OL\nthis line is garbage\nbattery.charge: 90\n',
    'upsd.conf': `LISTEN 127.0.0.1 ${port}\n`,
    'upsd.users': '[admin]\n\tpassword = x\n',
  })
  dirs.push(dir)
  return dir
}

/**
 * Runs `nutshell serve ARGS` until it logs its startup summary, then stops it. With `tty`, it runs
 * under `script`, so its stderr is a terminal; `script` and serve share a process group,
 * which is what is signalled.
 */
async function serveOutput(
  args: string[],
  options: { tty: boolean; env?: NodeJS.ProcessEnv },
): Promise<string> {
  const command = [process.execPath, '--import', 'tsx', cli, 'serve', ...args]
  const child = options.tty
    ? spawn('script', ['-qfec', command.map(shellQuote).join(' '), '/dev/null'], {
        env: options.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(command[0] as string, command.slice(1), {
        env: options.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    output += d
  })
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    output += d
  })
  const exited = once(child, 'exit')
  try {
    await waitFor(() => output.includes('nutshell serve started') || child.exitCode !== null, {
      what: 'serve to start',
      timeoutMs: 30_000,
    })
    assert.ok(output.includes('nutshell serve started'), `serve exited early:\n${output}`)
  } finally {
    signalGroup(child.pid as number, 'SIGTERM')
    if (child.exitCode === null) await exited
    // `script` can exit before the serve it ran; wait until the whole group is gone.
    await waitFor(() => !signalGroup(child.pid as number, 0), { what: 'serve to exit' })
  }
  return output
}

/** Signals a process group; false once no process of it is left. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false
  }
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`
}

/** Top-level keys of a JSON line in order, repeats kept (JSON.parse would hide them). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = []
  let depth = 0
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (c === '"') {
      let end = i + 1
      while (end < line.length && line[end] !== '"') end += line[end] === '\\' ? 2 : 1
      if (depth === 1 && line[end + 1] === ':') keys.push(JSON.parse(line.slice(i, end + 1)))
      i = end
    } else if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') depth--
  }
  return keys
}

describe('nutshell serve logs', () => {
  it('are text at a terminal: local time, level word, message, key=value, in colour', async () => {
    const dir = await config()
    const env = { ...dir.env }
    delete env['NO_COLOR']
    delete env['NUTSHELL_LOG_FORMAT']
    const out = await serveOutput(['--nut-confpath', dir.etc], { tty: true, env })
    const plain = out.replaceAll(/\x1b\[[0-9;]*[A-Za-z]/g, '')
    assert.match(
      plain,
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}nutshell serve started: 1 device, listening on 127\.0\.0\.1:\d+, .* mode=serve devices=1 /m,
    )
    assert.match(plain, /^\d\d:\d\d:\d\d\.\d{3} WARN {2}.*rack\.dev:2:1: .* device=rack /m)
    assert.match(out, /\x1b\[32mINFO /, 'the level word is coloured on a terminal')
    assert.doesNotMatch(plain, /"level":/)
  })

  it('have no colour with NO_COLOR, and are JSON at a terminal with --log-format json', async () => {
    const dir = await config()
    const noColor = await serveOutput(['--nut-confpath', dir.etc], {
      tty: true,
      env: { ...dir.env, NO_COLOR: '1' },
    })
    assert.match(noColor, /INFO {2}nutshell serve started/)
    assert.doesNotMatch(noColor, /\x1b\[3\dm/)
    const other = await config()
    const json = await serveOutput(['--nut-confpath', other.etc, '--log-format', 'json'], {
      tty: true,
      env: other.env,
    })
    assert.match(
      json,
      /\{"level":30,"time":\d+,"mode":"serve","devices":1,.*"msg":"nutshell serve started: /,
    )
  })

  it('are JSON lines in a pipe, with no key twice in a line; --log-format text forces text', async () => {
    const dir = await config()
    const out = await serveOutput(['--nut-confpath', dir.etc], { tty: false, env: dir.env })
    const lines = out.trim().split('\n')
    assert.ok(lines.length >= 2, out)
    for (const line of lines) {
      const keys = topLevelKeys(line)
      assert.deepEqual(keys, [...new Set(keys)], `a key repeated in ${line}`)
    }
    const warning = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((r) => r['level'] === 40)
    assert.equal(warning?.['device'], 'rack')
    const other = await config()
    const text = await serveOutput(['--nut-confpath', other.etc, '--log-format', 'text'], {
      tty: false,
      env: other.env,
    })
    assert.match(text, /^\d\d:\d\d:\d\d\.\d{3} INFO {2}nutshell serve started: .* mode=serve /m)
    assert.doesNotMatch(text, /\x1b/)
  })

  it('refuse an unknown level or format, listing the valid ones (exit 2)', async () => {
    const level = await run(process.execPath, [
      '--import',
      'tsx',
      cli,
      'serve',
      '--log-level',
      'verbose',
    ])
    assert.equal(level.code, 2)
    assert.equal(
      level.stderr,
      "nutshell serve: --log-level 'verbose' is not a log level; use one of trace, debug, info, warn, error, fatal, silent; see 'nutshell serve --help'\n",
    )
    const format = await run(process.execPath, [
      '--import',
      'tsx',
      cli,
      'monitor',
      '--log-format',
      'xml',
    ])
    assert.equal(format.code, 2)
    assert.match(
      format.stderr,
      /--log-format 'xml' is not a log format; use one of auto, text, json/,
    )
    const env = { ...process.env, NUTSHELL_LOG_LEVEL: 'loud' }
    const fromEnv = await run(process.execPath, ['--import', 'tsx', cli, 'upsd'], { env })
    assert.equal(fromEnv.code, 2)
    assert.match(fromEnv.stderr, /NUTSHELL_LOG_LEVEL 'loud' is not a log level/)
  })
})
