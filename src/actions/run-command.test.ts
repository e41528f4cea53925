import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { systemClock } from '../core/clock.ts'
import { silentLogger } from '../core/log.ts'
import { CommandRunner, commandLine } from './run-command.ts'

function runner(options: Partial<ConstructorParameters<typeof CommandRunner>[0]> = {}) {
  return new CommandRunner({ clock: systemClock, log: silentLogger(), ...options })
}

describe('commandLine', () => {
  it('passes the message to the shell as a quoted positional parameter', () => {
    assert.deepEqual(commandLine({ shell: '/x/notify.sh' }, ['UPS a on battery']), {
      file: '/bin/sh',
      argv: ['-c', '/x/notify.sh "$1"', 'nutshell', 'UPS a on battery'],
    })
  })
  it('runs an argument list without a shell', () => {
    assert.deepEqual(commandLine({ argv: ['/bin/echo', '-n'] }, ['m']), {
      file: '/bin/echo',
      argv: ['-n', 'm'],
    })
  })
})

describe('CommandRunner', () => {
  it('gives the shell form its message as one argument and the environment', async () => {
    const result = await runner().run({
      spec: { shell: 'printf "%s|%s|%s" "$NOTIFYTYPE" "$UPSNAME"' },
      args: ['msg with "quotes" $HOME `id`'],
      env: { NOTIFYTYPE: 'ONBATT', UPSNAME: 'ups@host' },
    })
    assert.equal(result.code, 0)
    assert.equal(result.stdout, 'ONBATT|ups@host|msg with "quotes" $HOME `id`')
  })

  it('runs argv without a shell', async () => {
    const result = await runner().run({ spec: { argv: ['/bin/echo', '$HOME'] }, args: ['x'] })
    assert.equal(result.stdout, '$HOME x\n')
  })

  it('reports a program that cannot start', async () => {
    const result = await runner().run({ spec: { argv: ['/nonexistent/prog'] } })
    assert.ok(result.spawnError !== undefined || result.code !== 0)
  })

  it('says why a command failed, as NS_CHILD_FAILED, and nothing when it succeeded', async () => {
    const r = runner()
    const exited = await r.run({ spec: { shell: 'exit 3' }, label: 'NOTIFYCMD ONBATT' })
    assert.equal(exited.failure?.code, 'NS_CHILD_FAILED')
    assert.equal(exited.failure?.message, 'NOTIFYCMD ONBATT exited with code 3')
    const missing = await r.run({ spec: { argv: ['/nonexistent/prog'] }, label: 'SHUTDOWNCMD' })
    assert.match(missing.failure?.message ?? '', /^SHUTDOWNCMD could not be started: /)
    const killed = await r.run({ spec: { shell: 'kill -TERM $$' }, label: 'rule exec sh' })
    assert.equal(killed.failure?.message, 'rule exec sh was killed by SIGTERM')
    assert.equal((await r.run({ spec: { shell: 'true' } })).failure, undefined)
  })

  it('kills a child that hangs and still runs the ones queued behind it', async () => {
    const r = runner({ maxConcurrent: 1, timeoutMs: 300, killGraceMs: 100 })
    const hung = r.run({ spec: { shell: 'sleep 30 & sleep 30' } })
    const next = r.run({ spec: { shell: 'echo after' } })
    assert.equal(r.queuedCount, 1)
    const first = await hung
    assert.equal(first.timedOut, true)
    assert.equal((await next).stdout, 'after\n')
    await r.idle()
  })

  it('bounds captured output of a child printing megabytes', async () => {
    const r = runner({ maxOutputBytes: 1000 })
    const result = await r.run({ spec: { shell: 'head -c 5000000 /dev/zero' } })
    assert.equal(result.code, 0)
    assert.equal(result.stdout.length, 1000)
    assert.equal(result.droppedBytes, 5_000_000 - 1000)
  })

  it('caps how many children run at once', async () => {
    const r = runner({ maxConcurrent: 2 })
    let peak = 0
    const all = Array.from({ length: 6 }, () =>
      r.run({ spec: { shell: 'sleep 0.05' } }).then(() => undefined),
    )
    peak = Math.max(peak, r.activeCount)
    assert.equal(peak, 2)
    assert.equal(r.queuedCount, 4)
    await Promise.all(all)
    await r.idle()
    assert.equal(r.activeCount, 0)
  })

  it('leaves no zombie children behind', async () => {
    const r = runner({ maxConcurrent: 3, timeoutMs: 200, killGraceMs: 50 })
    await Promise.all([
      ...Array.from({ length: 10 }, () => r.run({ spec: { shell: 'exit 3' } })),
      r.run({ spec: { shell: 'sleep 30' } }),
      r.run({ spec: { argv: ['/nonexistent'] } }),
    ])
    await r.idle()
    const zombies = (await readdir('/proc'))
      .filter((name) => /^\d+$/.test(name))
      .map((pid) => {
        try {
          return readFileSync(`/proc/${pid}/stat`, 'utf8')
        } catch {
          return ''
        }
      })
      .filter((stat) => {
        // pid (comm) state ppid ...
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        return fields[0] === 'Z' && Number(fields[1]) === process.pid
      })
    assert.deepEqual(zombies, [])
  })

  it('hands any message to the shell form verbatim, never running it (property)', async () => {
    const r = runner({ maxConcurrent: 4 })
    await fc.assert(
      fc.asyncProperty(
        fc.string({
          unit: fc.constantFrom(...'ab $`"\'\\;|&()<>*?#~\n{}[]!%'.split('')),
          maxLength: 40,
        }),
        async (message) => {
          const result = await r.run({ spec: { shell: 'printf %s' }, args: [message] })
          return result.code === 0 && result.stdout === message
        },
      ),
      { numRuns: 40 },
    )
  })
})
