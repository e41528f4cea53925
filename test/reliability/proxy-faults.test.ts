import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup, run } from '../helpers/processes.ts'
import { TcpProxy } from '../helpers/tcp-proxy.ts'
import { canConnect, waitFor } from '../helpers/wait.ts'

// Slow and lossy links, and a one-way drop, through our TCP proxy on loopback (no network
// namespaces needed): `nutshell serve` with its in-process primary, and three secondaries
// each behind its own proxy — real upsmon, nutshell monitor pushing, nutshell monitor
// polling. Delay and loss below the read timeouts change nothing but timing: no COMMBAD,
// every status change arrives in order, no shutdown. A dropped server-to-client direction
// is noticed, and healing it brings every secondary back with one session each.
const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(repoRoot, 'src/cli/main.ts')
const kinds = ['upsmon', 'push', 'poll'] as const
const processes = new ProcessGroup()
const proxies: TcpProxy[] = []
let base = ''
let port = 0
let upsmonPid: number | undefined

const roles = kinds.map((k, i) => `p${i + 1}-${k}`)

async function notes(): Promise<Array<{ role: string; type: string }>> {
  const text = await readFile(join(base, 'notify.log'), 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [role = '', type = ''] = l.split(' ')
      return { role, type }
    })
}

async function setStatus(status: string): Promise<void> {
  const path = join(base, 'etc', 'ups.dev')
  await writeFile(path, `ups.status: ${status}\n`)
  const now = Date.now() / 1000
  await utimes(path, now, now)
}

async function sessions(): Promise<number> {
  const r = await run('/usr/bin/upsc', ['-c', `ups@127.0.0.1:${port}`])
  return r.stdout.split('\n').filter((l) => l.trim() !== '').length
}

function conf(role: string, monitor: string): string {
  const flags = ['ONLINE', 'ONBATT', 'LOWBATT', 'FSD', 'COMMOK', 'COMMBAD', 'SHUTDOWN']
  return `${monitor}
MINSUPPLIES 1
SHUTDOWNCMD "${base}/shutdown.sh ${role}"
NOTIFYCMD "${base}/notify.sh ${role}"
POLLFREQ 1
POLLFREQALERT 1
HOSTSYNC 5
DEADTIME 30
FINALDELAY 0
NOCOMMWARNTIME 3600
RUN_AS_USER root
${flags.map((f) => `NOTIFYFLAG ${f} EXEC`).join('\n')}
`
}

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'nsp-'))
  port = await freePort()
  await mkdir(join(base, 'etc'))
  const files: Record<string, string> = {
    'ups.conf': '[ups]\n\tdriver = dummy-ups\n\tport = ups.dev\n\tpollinterval = 1\n',
    'ups.dev': 'ups.status: OL\n',
    'upsd.conf': `LISTEN 127.0.0.1 ${port}\n`,
    'upsd.users':
      '[monp]\n\tpassword = primarypass\n\tupsmon primary\n[mons]\n\tpassword = secpass\n\tupsmon secondary\n',
    'upsmon.conf': conf('primary', `MONITOR ups@localhost:${port} 1 monp primarypass primary`),
  }
  for (const [name, text] of Object.entries(files))
    await writeFile(join(base, 'etc', name), text, { mode: 0o640 })
  await writeFile(
    join(base, 'notify.sh'),
    `#!/bin/sh\necho "$1 $NOTIFYTYPE" >> ${base}/notify.log\n`,
    { mode: 0o755 },
  )
  await writeFile(join(base, 'shutdown.sh'), `#!/bin/sh\necho "$1" >> ${base}/shutdown.log\n`, {
    mode: 0o755,
  })
  processes.start('serve', process.execPath, [
    '--import',
    'tsx',
    cli,
    'serve',
    '--nut-confpath',
    join(base, 'etc'),
  ])
  await waitFor(() => canConnect(port), { what: 'nutshell serve', timeoutMs: 30_000 })
  for (const [i, kind] of kinds.entries()) {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port }, { seed: i + 1 })
    proxies.push(proxy)
    const role = roles[i] as string
    const file = join(base, `${role}.conf`)
    await writeFile(
      file,
      conf(role, `MONITOR ups@127.0.0.1:${proxy.port} 1 mons secpass secondary`),
      { mode: 0o640 },
    )
    const env = { ...process.env, NUT_CONFPATH: base }
    if (kind === 'upsmon') {
      // upsmon names its PID file after argv[0]: a name of our own keeps it apart from
      // every other upsmon on the machine (and from the other tests' upsmon lock).
      const script = `exec -a nsupsmon-${process.pid} /lib/nut/upsmon -D -u root -f ${file}`
      upsmonPid = processes.start(role, '/bin/bash', ['-c', script], env).pid
    } else {
      const args = [
        '--import',
        'tsx',
        cli,
        'monitor',
        '-f',
        file,
        '--pid-file',
        join(base, `${role}.pid`),
      ]
      if (kind === 'poll') args.push('--no-push')
      processes.start(role, process.execPath, args, env)
    }
  }
  await waitFor(async () => (await sessions()) === 3, {
    what: 'three secondaries logged in',
    timeoutMs: 40_000,
  })
})

after(async () => {
  for (const p of proxies) await p.close()
  // Real upsmon's monitoring child first: it holds the output pipe open after its parent.
  const upsmon = upsmonPid
  if (upsmon !== undefined) {
    const children = await run('/usr/bin/pgrep', ['-P', String(upsmon)])
    for (const pid of children.stdout
      .split('\n')
      .map(Number)
      .filter((n) => n > 0)) {
      try {
        process.kill(pid, 'SIGTERM')
      } catch {}
    }
  }
  await processes.stopAll()
  if (base !== '') await rm(base, { recursive: true, force: true })
})

const outputs = () =>
  ['serve', ...roles].map((r) => `--- ${r}\n${processes.outputOf(r).slice(-2000)}`).join('\n')

describe('faults through our TCP proxy', { timeout: 150_000 }, () => {
  it('delay and loss below the read timeout: no COMMBAD, every change arrives in order, no shutdown', async () => {
    for (const p of proxies) p.set({ delayMs: 300, lossRate: 0.2, lossDelayMs: 1500 })
    const before = (await notes()).length
    for (const status of ['OB', 'OL', 'OB', 'OL']) {
      await setStatus(status)
      const want = status === 'OB' ? 'ONBATT' : 'ONLINE'
      await waitFor(
        async () => {
          const got = (await notes()).slice(before)
          return ['primary', ...roles].every(
            (r) => got.filter((n) => n.role === r).at(-1)?.type === want,
          )
        },
        { what: `${want} everywhere\n${outputs()}`, timeoutMs: 20_000 },
      )
    }
    await delay(3000) // a few more polls through the slow, lossy links
    const got = (await notes()).slice(before)
    for (const role of ['primary', ...roles]) {
      assert.deepEqual(
        got.filter((n) => n.role === role).map((n) => n.type),
        ['ONBATT', 'ONLINE', 'ONBATT', 'ONLINE'],
        `${role}: in order, nothing else`,
      )
    }
    assert.equal(await readFile(join(base, 'shutdown.log'), 'utf8').catch(() => ''), '')
    const stats = proxies.map((p) => `${p.stats.chunksDelayed} delayed, ${p.stats.chunksLost} lost`)
    console.log(`proxies: ${stats.join('; ')}`)
    assert.ok(
      proxies.every((p) => p.stats.chunksLost > 0),
      'the links really lost chunks',
    )
    for (const p of proxies) p.heal()
  })

  it('server-to-client dropped: every secondary notices; healed, each is back with one session', async () => {
    const before = (await notes()).length
    for (const p of proxies) p.set({ dropToClient: true })
    await waitFor(
      async () => {
        const got = (await notes()).slice(before)
        return roles.every((r) => got.some((n) => n.role === r && n.type === 'COMMBAD'))
      },
      { what: `COMMBAD from every secondary\n${outputs()}`, timeoutMs: 40_000 },
    )
    for (const p of proxies) p.heal()
    await waitFor(
      async () => {
        const got = (await notes()).slice(before)
        return roles.every((r) => got.filter((n) => n.role === r).at(-1)?.type === 'COMMOK')
      },
      { what: `COMMOK from every secondary\n${outputs()}`, timeoutMs: 40_000 },
    )
    await waitFor(async () => (await sessions()) === 3, {
      what: 'exactly three sessions',
      timeoutMs: 20_000,
    })
    assert.ok(
      proxies.every((p) => p.openConnections === 1),
      'each dead connection was closed',
    )
    assert.equal(await readFile(join(base, 'shutdown.log'), 'utf8').catch(() => ''), '')
  })
})
