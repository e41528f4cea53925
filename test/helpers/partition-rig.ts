/**
 * The partition tests' cast (test/reliability/, docs/reliability.md), on the network of
 * netns.ts: `nutshell serve` in the server namespace with a dummy UPS the test drives by
 * rewriting its .dev file and its in-process primary monitor (upsmon.conf), and three
 * secondaries, one per client namespace: real upsmon 2.8.0, `nutshell monitor` with the
 * push extension (WATCH), and `nutshell monitor --no-push` (polling).
 *
 * Every NOTIFYCMD and SHUTDOWNCMD appends `ROLE TYPE EPOCH-MS` / `ROLE EPOCH-MS` to one
 * notify.log / shutdown.log shared by all namespaces, so the files' order is the order in
 * which things happened.
 *
 * Real upsmon keeps its PID file at the compiled-in /run/nut/upsmon.pid: each one runs in
 * its own mount namespace (`ip netns exec` makes one) with a private tmpfs on /run/nut, and
 * under another argv[0] so the other test files' upsmon lock (upsmon-lock.ts, which only
 * guards that PID file) neither waits for it nor is broken by it.
 */
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTopology, type NetLink, type NsProcess, type Topology } from './netns.ts'
import { waitFor } from './wait.ts'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(repoRoot, 'src/cli/main.ts')
const port = 3493

export type SecondaryKind = 'upsmon' | 'push' | 'poll'

export interface Timings {
  pollFreq: number
  deadTime: number
  hostSync: number
}

export interface Secondary {
  role: string
  kind: SecondaryKind
  link: NetLink
  process: NsProcess | undefined
}

export interface NotifyLine {
  role: string
  type: string
  at: number
}

const events = [
  'ONLINE',
  'ONBATT',
  'LOWBATT',
  'FSD',
  'COMMOK',
  'COMMBAD',
  'SHUTDOWN',
  'SHUTDOWN_HOSTSYNC',
]

export class PartitionRig {
  readonly net: Topology
  readonly base: string
  readonly secondaries: Secondary[]
  private serve: NsProcess | undefined
  private readonly timings: Timings

  private constructor(
    net: Topology,
    base: string,
    timings: Timings,
    kinds: readonly SecondaryKind[],
  ) {
    this.net = net
    this.base = base
    this.timings = timings
    this.secondaries = kinds.map((kind, i) => ({
      role: `c${i + 1}-${kind}`,
      kind,
      link: net.clients[i] as NetLink,
      process: undefined,
    }))
  }

  static async create(
    tag: string,
    timings: Timings,
    kinds: readonly SecondaryKind[] = ['upsmon', 'push', 'poll'],
  ): Promise<PartitionRig> {
    const net = await createTopology(tag, kinds.length)
    const base = await mkdtemp(join(tmpdir(), 'nsr-'))
    const rig = new PartitionRig(net, base, timings, kinds)
    await rig.writeFiles()
    return rig
  }

  private conf(role: string, monitor: string, extra = ''): string {
    const t = this.timings
    return `${monitor}
MINSUPPLIES 1
SHUTDOWNCMD "${this.base}/shutdown.sh ${role}"
NOTIFYCMD "${this.base}/notify.sh ${role}"
POLLFREQ ${t.pollFreq}
POLLFREQALERT ${t.pollFreq}
HOSTSYNC ${t.hostSync}
DEADTIME ${t.deadTime}
FINALDELAY 0
NOCOMMWARNTIME 3600
POWERDOWNFLAG ${this.base}/${role}.killpower
RUN_AS_USER root
${events.map((e) => `NOTIFYFLAG ${e} EXEC`).join('\n')}
${extra}`
  }

  private async writeFiles(): Promise<void> {
    const etc = join(this.base, 'etc')
    await mkdir(etc)
    const listen = [...this.net.clients, this.net.control]
      .map((l) => `LISTEN ${l.serverAddress} ${port}`)
      .join('\n')
    const files: Record<string, string> = {
      'ups.conf': '[ups]\n\tdriver = dummy-ups\n\tport = ups.dev\n\tpollinterval = 1\n',
      'ups.dev': 'ups.status: OL\nbattery.charge: 100\n',
      'upsd.conf': `${listen}\n`,
      'upsd.users':
        '[monp]\n\tpassword = primarypass\n\tupsmon primary\n[mons]\n\tpassword = secpass\n\tupsmon secondary\n',
      'upsmon.conf': this.conf(
        'primary',
        `MONITOR ups@localhost:${port} 1 monp primarypass primary`,
      ),
    }
    for (const [name, text] of Object.entries(files)) {
      await writeFile(join(etc, name), text, { mode: 0o640 })
    }
    for (const s of this.secondaries) {
      await writeFile(
        join(this.base, `${s.role}.conf`),
        this.conf(s.role, `MONITOR ups@${s.link.serverAddress}:${port} 1 mons secpass secondary`),
        { mode: 0o640 },
      )
    }
    await writeFile(
      join(this.base, 'notify.sh'),
      `#!/bin/sh\necho "$1 $NOTIFYTYPE $(date +%s%3N)" >> ${this.base}/notify.log\n`,
      { mode: 0o755 },
    )
    await writeFile(
      join(this.base, 'shutdown.sh'),
      `#!/bin/sh\necho "$1 $(date +%s%3N)" >> ${this.base}/shutdown.log\n`,
      { mode: 0o755 },
    )
  }

  /** `nutshell serve` in the server namespace; resolves once the control link serves. */
  async startServe(): Promise<void> {
    this.serve = this.net.spawn(
      'serve',
      this.net.server,
      process.execPath,
      ['--import', 'tsx', cli, 'serve', '--nut-confpath', join(this.base, 'etc')],
      { cwd: repoRoot },
    )
    await waitFor(async () => (await this.probe(['ups.status'])) !== undefined, {
      what: `nutshell serve\n${this.serveOutput()}`,
      timeoutMs: 30_000,
      intervalMs: 200,
    })
  }

  async stopServe(): Promise<void> {
    await this.serve?.stop()
    this.serve = undefined
  }

  serveOutput(): string {
    return this.serve?.output.join('') ?? ''
  }

  startSecondary(s: Secondary): void {
    const conf = join(this.base, `${s.role}.conf`)
    const env = { ...process.env, NUT_CONFPATH: this.base }
    if (s.kind === 'upsmon') {
      const script = `mkdir -p /run/nut && mount -t tmpfs tmpfs /run/nut && exec -a nsupsmon /lib/nut/upsmon -D -u root -f ${conf}`
      s.process = this.net.spawn(s.role, s.link.ns, '/bin/bash', ['-c', script], { env })
      return
    }
    const args = [
      '--import',
      'tsx',
      cli,
      'monitor',
      '-f',
      conf,
      '--pid-file',
      join(this.base, `${s.role}.pid`),
    ]
    if (s.kind === 'poll') args.push('--no-push')
    s.process = this.net.spawn(s.role, s.link.ns, process.execPath, args, { env, cwd: repoRoot })
  }

  async stopSecondary(s: Secondary): Promise<void> {
    await s.process?.stop()
    s.process = undefined
  }

  /** The client addresses the server lists as logged in (upsc -c from the control link). */
  async logins(): Promise<string[]> {
    const result = await this.net.exec(this.net.control.ns, '/usr/bin/upsc', [
      '-c',
      `ups@${this.net.control.serverAddress}:${port}`,
    ])
    if (result.code !== 0) throw new Error(`upsc -c: ${result.stderr}`)
    return result.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .sort()
  }

  /**
   * Waits until exactly these secondaries are logged in, each once; with `exact: false`,
   * until each is logged in at least once (a session the server never heard end, as after
   * a reset the server did not see, stays until the server's idle timeout drops it).
   */
  async waitForLogins(
    expected: readonly Secondary[],
    what = 'logins',
    options: { exact?: boolean } = {},
  ): Promise<string[]> {
    const want = expected.map((s) => s.link.clientAddress).sort()
    let seen: string[] = []
    await waitFor(
      async () => {
        seen = await this.logins()
        if (options.exact === false) return want.every((a) => seen.includes(a))
        return JSON.stringify(seen) === JSON.stringify(want)
      },
      { what: `${what}: want ${want.join(',')}`, timeoutMs: 40_000, intervalMs: 250 },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; server lists ${seen.join(',')}\n${this.outputs()}`)
    })
    return seen
  }

  async probe(args: readonly string[]): Promise<string | undefined> {
    const target = `ups@${this.net.control.serverAddress}:${port}`
    const result = await this.net.exec(this.net.control.ns, '/usr/bin/upsc', [target, ...args])
    return result.code === 0 ? result.stdout.trim() : undefined
  }

  /** Rewrites the dummy UPS's file (read at start, and within a second when it changes). */
  async setStatusFile(status: string): Promise<void> {
    const path = join(this.base, 'etc', 'ups.dev')
    const charge = status.includes('LB') ? 5 : 90
    await writeFile(path, `ups.status: ${status}\nbattery.charge: ${charge}\n`)
    // A rewrite within the same clock tick must still look changed to the driver.
    const now = Date.now() / 1000
    await utimes(path, now, now)
  }

  /** Rewrites the dummy UPS's file and waits until the server serves the new status. */
  async setStatus(status: string): Promise<void> {
    await this.setStatusFile(status)
    await waitFor(async () => (await this.probe(['ups.status']))?.endsWith(status), {
      what: `status ${status}`,
      timeoutMs: 10_000,
      intervalMs: 100,
    })
  }

  /** Waits until each role has notified `type` at least `count` times in all. */
  async waitForNotify(roles: readonly string[], type: string, count = 1): Promise<void> {
    await waitFor(
      async () => {
        const all = await this.notifications()
        return roles.every(
          (r) => all.filter((n) => n.role === r && n.type === type).length >= count,
        )
      },
      { what: `${type} from ${roles.join(', ')}\n${this.outputs()}`, timeoutMs: 20_000 },
    )
  }

  async notifications(): Promise<NotifyLine[]> {
    return (await lines(join(this.base, 'notify.log'))).map((l) => {
      const [role = '', type = '', at = '0'] = l.split(' ')
      return { role, type, at: Number(at) }
    })
  }

  async shutdowns(): Promise<NotifyLine[]> {
    return (await lines(join(this.base, 'shutdown.log'))).map((l) => {
      const [role = '', at = '0'] = l.split(' ')
      return { role, type: 'SHUTDOWNCMD', at: Number(at) }
    })
  }

  outputs(): string {
    const parts = [`--- serve\n${this.serveOutput().slice(-3000)}`]
    for (const s of this.secondaries) {
      parts.push(`--- ${s.role}\n${(s.process?.output.join('') ?? '(not running)').slice(-3000)}`)
    }
    return parts.join('\n')
  }

  async destroy(): Promise<void> {
    for (const s of this.secondaries) await this.stopSecondary(s)
    await this.stopServe()
    await this.net.destroy()
    await rm(this.base, { recursive: true, force: true })
  }
}

async function lines(path: string): Promise<string[]> {
  try {
    return (await readFile(path, 'utf8')).split('\n').filter((l) => l.length > 0)
  } catch {
    return []
  }
}

/** How many cycles each scenario runs (5 in `npm test`; the soak tier sets more). */
export const partitionCycles = ((): number => {
  const n = Number.parseInt(process.env['NUTSHELL_PARTITION_CYCLES'] ?? '', 10)
  return Number.isSafeInteger(n) && n > 0 ? n : 5
})()
