import assert from 'node:assert/strict'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { bindOnce, createLogger } from './log.ts'

const dir = await mkdtemp(join(tmpdir(), 'ns-log-'))
after(() => rm(dir, { recursive: true, force: true }))

/** Logs through a logger writing to a file and returns what it wrote. */
function written(
  name: string,
  options: Parameters<typeof createLogger>[0],
  use: (log: ReturnType<typeof createLogger>) => void,
): string {
  const path = join(dir, name)
  const fd = openSync(path, 'w')
  use(createLogger({ ...options, fd, env: {} }))
  closeSync(fd)
  return readFileSync(path, 'utf8')
}

/** The top-level keys of a JSON object line in order, repeats kept (JSON.parse drops them). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = []
  let depth = 0
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (c === '"') {
      const end = endOfString(line, i)
      if (depth === 1 && line[end + 1] === ':') keys.push(JSON.parse(line.slice(i, end + 1)))
      i = end
    } else if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') depth--
  }
  return keys
}

function endOfString(text: string, start: number): number {
  let i = start + 1
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
  return i
}

describe('createLogger', () => {
  it('writes JSON lines when not on a terminal (auto)', () => {
    const out = written('auto.log', {}, (log) => log.info({ port: 1 }, 'hello'))
    const record = JSON.parse(out) as Record<string, unknown>
    assert.equal(record['msg'], 'hello')
    assert.equal(record['port'], 1)
  })

  it('writes the text format when asked, without colour off a terminal', () => {
    const out = written('text.log', { format: 'text' }, (log) =>
      log.child({ device: 'ups1' }).warn({ reason: 'gone' }, 'driver lost'),
    )
    assert.match(out, /^\d\d:\d\d:\d\d\.\d{3} WARN {2}driver lost device=ups1 reason=gone\n$/)
  })

  it('refuses a level that does not exist, naming the valid ones', () => {
    assert.throws(
      () => createLogger({ level: 'verbose', env: {} }),
      /'verbose' is not a level; use one of trace, debug, info, warn, error, fatal, silent/,
    )
    assert.throws(() => createLogger({ env: { NUTSHELL_LOG_LEVEL: 'loud' } }), /NUTSHELL_LOG_LEVEL/)
  })

  it('bindOnce binds only what the parent lacks, so no line repeats a key', () => {
    const out = written('bind.log', { format: 'json' }, (log) => {
      const device = log.child({ device: 'ups1' })
      bindOnce(device, { device: 'ups1', socket: '/run/x' }).info('attached')
      bindOnce(log, { device: 'ups2' }).info('other')
    })
    const [first, second] = out.trim().split('\n')
    assert.deepEqual(topLevelKeys(first ?? ''), ['level', 'time', 'device', 'socket', 'msg'])
    assert.deepEqual(topLevelKeys(second ?? ''), ['level', 'time', 'device', 'msg'])
  })
})
