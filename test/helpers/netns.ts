/**
 * A private network for partition tests (test/reliability/): one server namespace joined by
 * a veth link to each of N client namespaces and to one control namespace (for probes that
 * no partition touches). Nothing leaves these namespaces: their addresses are loopback
 * addresses (127.100.i.1 on the server's end of link i, 127.100.i.2 on the client's), made
 * routable between namespaces with route_localnet, and no namespace brings `lo` up, so
 * 127.0.0.0/8 is not swallowed locally. Needs root, iproute2 and nftables (.ci/run).
 *
 * Partitions, per link:
 * - `drop`: every packet either way silently dropped (nft), as a dead switch port;
 * - `link`: the server's end of the veth set down, as a pulled cable;
 * - `reset`: the client's packets answered with a TCP reset (nft), as a firewall that
 *   rejects; the client notices at once;
 * - `s2c`: only server-to-client packets dropped: a half-open connection.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { run } from './processes.ts'

export type CutKind = 'drop' | 'link' | 'reset' | 's2c'

export interface NetLink {
  /** 1-based link number. */
  index: number
  /** The client's namespace. */
  ns: string
  serverAddress: string
  clientAddress: string
  serverIf: string
}

export interface Topology {
  server: string
  clients: NetLink[]
  control: NetLink
  cut(link: NetLink, kind: CutKind): Promise<void>
  heal(link: NetLink): Promise<void>
  /** Runs a program in a namespace to completion. */
  exec(
    ns: string,
    command: string,
    args: readonly string[],
    env?: NodeJS.ProcessEnv,
  ): ReturnType<typeof run>
  /** Starts a long-running program in a namespace (stdout and stderr kept). */
  spawn(
    name: string,
    ns: string,
    command: string,
    args: readonly string[],
    options?: SpawnOptions,
  ): NsProcess
  destroy(): Promise<void>
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv
  cwd?: string
}

export class NsProcess {
  readonly name: string
  readonly child: ChildProcess
  readonly output: string[] = []
  constructor(name: string, child: ChildProcess) {
    this.name = name
    this.child = child
    child.stdout?.setEncoding('utf8').on('data', (d: string) => this.output.push(d))
    child.stderr?.setEncoding('utf8').on('data', (d: string) => this.output.push(d))
  }
  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null
  }
  /** SIGTERM to its children first (real upsmon's monitoring child), then to it; waits. */
  async stop(): Promise<void> {
    const pid = this.child.pid
    if (pid === undefined || this.exited) return
    const exited = once(this.child, 'exit')
    const children = await run('/usr/bin/pgrep', ['-P', String(pid)])
    for (const line of children.stdout.split('\n')) {
      const childPid = Number.parseInt(line, 10)
      if (Number.isSafeInteger(childPid)) kill(childPid, 'SIGTERM')
    }
    kill(pid, 'SIGTERM')
    const timer = setTimeout(() => kill(pid, 'SIGKILL'), 3000)
    await exited
    clearTimeout(timer)
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // already gone
  }
}

async function ip(args: readonly string[]): Promise<void> {
  const result = await run('/usr/sbin/ip', args)
  if (result.code !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr.trim()}`)
}

async function nft(ns: string, script: string): Promise<void> {
  const result = await run('/usr/sbin/ip', ['netns', 'exec', ns, 'nft', '-f', '-'], {
    input: script,
  })
  if (result.code !== 0) throw new Error(`nft in ${ns}: ${result.stderr.trim()}\n${script}`)
}

/** Namespaces of an earlier run whose process is gone (a killed test) are removed. */
async function removeStale(): Promise<void> {
  const list = await run('/usr/sbin/ip', ['netns', 'list'])
  for (const line of list.stdout.split('\n')) {
    const name = line.split(' ')[0] ?? ''
    const match = /^nsr([0-9a-z]+)[a-z]-/.exec(name)
    if (match?.[1] === undefined) continue
    const pid = Number.parseInt(match[1], 36)
    let alive = true
    try {
      process.kill(pid, 0)
    } catch {
      alive = false
    }
    if (!alive) await run('/usr/sbin/ip', ['netns', 'del', name])
  }
}

/**
 * Builds the network: `tag` (one letter) keeps the namespaces of test files running at the
 * same time apart; names carry this process's PID so a later run can clear leftovers.
 */
export async function createTopology(tag: string, clientCount: number): Promise<Topology> {
  await removeStale()
  const prefix = `nsr${process.pid.toString(36)}${tag}`
  const server = `${prefix}-srv`
  const made: string[] = []
  const links: NetLink[] = []
  try {
    await ip(['netns', 'add', server])
    made.push(server)
    for (let index = 1; index <= clientCount + 1; index++) {
      const control = index === clientCount + 1
      const ns = control ? `${prefix}-ctl` : `${prefix}-c${index}`
      await ip(['netns', 'add', ns])
      made.push(ns)
      const serverIf = `${prefix}s${index}`
      const clientIf = `${prefix}p${index}`
      await ip(['link', 'add', serverIf, 'type', 'veth', 'peer', 'name', clientIf])
      await ip(['link', 'set', serverIf, 'netns', server])
      await ip(['link', 'set', clientIf, 'netns', ns])
      const serverAddress = `127.100.${index}.1`
      const clientAddress = `127.100.${index}.2`
      for (const [where, dev, address] of [
        [server, serverIf, serverAddress],
        [ns, clientIf, clientAddress],
      ] as const) {
        await sysctl(where, {
          'ipv4/conf/all/route_localnet': 1,
          [`ipv4/conf/${dev}/route_localnet`]: 1,
          // A connect that gets no answer gives up after 1+2+4 s, not two minutes: real
          // upsmon's connect has no timeout of its own.
          'ipv4/tcp_syn_retries': 2,
        })
        await ip(['-n', where, 'addr', 'add', `${address}/24`, 'dev', dev])
        await ip(['-n', where, 'link', 'set', dev, 'up'])
      }
      links.push({ index, ns, serverAddress, clientAddress, serverIf })
    }
    const chains = links
      .map(
        (l) =>
          `  chain in${l.index} {}\n  chain out${l.index} {}\n` +
          `  chain input-${l.index} { type filter hook input priority 0; ip saddr ${l.clientAddress} jump in${l.index}; }\n` +
          `  chain output-${l.index} { type filter hook output priority 0; ip daddr ${l.clientAddress} jump out${l.index}; }\n`,
      )
      .join('')
    await nft(server, `table inet partition {\n${chains}}\n`)
  } catch (error) {
    for (const ns of made) await run('/usr/sbin/ip', ['netns', 'del', ns])
    throw error
  }
  const clients = links.slice(0, clientCount)
  const control = links[clientCount] as NetLink
  const spawned: NsProcess[] = []
  return {
    server,
    clients,
    control,
    async cut(link, kind) {
      switch (kind) {
        case 'link':
          await ip(['-n', server, 'link', 'set', link.serverIf, 'down'])
          return
        case 'drop':
          await nft(
            server,
            `add rule inet partition in${link.index} drop\nadd rule inet partition out${link.index} drop\n`,
          )
          return
        case 'reset':
          await nft(
            server,
            `add rule inet partition in${link.index} meta l4proto tcp reject with tcp reset\n`,
          )
          return
        case 's2c':
          await nft(server, `add rule inet partition out${link.index} drop\n`)
          return
      }
    },
    async heal(link) {
      await nft(
        server,
        `flush chain inet partition in${link.index}\nflush chain inet partition out${link.index}\n`,
      )
      await ip(['-n', server, 'link', 'set', link.serverIf, 'up'])
    },
    exec(ns, command, args, env) {
      return run(
        '/usr/sbin/ip',
        ['netns', 'exec', ns, command, ...args],
        env === undefined ? {} : { env },
      )
    },
    spawn(name, ns, command, args, options = {}) {
      // `ip netns exec` execs the program in place: the child's PID is the program's.
      const child = spawn('/usr/sbin/ip', ['netns', 'exec', ns, command, ...args], {
        env: options.env ?? process.env,
        cwd: options.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const proc = new NsProcess(name, child)
      spawned.push(proc)
      return proc
    },
    async destroy() {
      await Promise.all(spawned.map((p) => p.stop()))
      for (const ns of made) await run('/usr/sbin/ip', ['netns', 'del', ns])
    },
  }
}

/** Writes /proc/sys/net settings as seen from inside `ns` (no procps needed). */
async function sysctl(ns: string, settings: Record<string, number>): Promise<void> {
  const script = Object.entries(settings)
    .map(([key, value]) => `echo ${value} > /proc/sys/net/${key}`)
    .join(' && ')
  const result = await run('/usr/sbin/ip', ['netns', 'exec', ns, '/bin/sh', '-c', script])
  if (result.code !== 0) throw new Error(`sysctl in ${ns}: ${result.stderr.trim()}`)
}
