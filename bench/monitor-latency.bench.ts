/**
 * How fast does the monitor react? From the moment a UPS's status changes on a real
 * dummy-ups driver (a `SET ups.status` on the driver's state socket, which the driver
 * applies and broadcasts to every client, real upsd included) to
 *   1. NOTIFYCMD starting (ONBATT / ONLINE), and
 *   2. SHUTDOWNCMD starting after `OB LB` (FINALDELAY 0),
 * for real upsmon 2.8.0 with its defaults (POLLFREQ 5) through real upsd, and for
 * nutshell's monitor in-process (DeviceStore + driver bridge), `--local` (its own process,
 * no server), and remote against a nutshell server (WATCH push). The commands are tiny
 * scripts that append `date +%s%N`, the same for every mode.
 *
 * Run: node --import tsx bench/monitor-latency.bench.ts      (about a minute)
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import type { MonitorConfig } from '../src/config/types.ts'
import { systemClock } from '../src/core/clock.ts'
import { silentLogger } from '../src/core/log.ts'
import { DeviceStore } from '../src/devices/device-store.ts'
import { StateSocketLink } from '../src/drivers/nut/state-socket-link.ts'
import { startMonitor } from '../src/monitor/start-monitor.ts'
import { createNutServer } from '../src/server/nut-server.ts'
import { monitorConfig, ups } from '../test/helpers/monitor-fakes.ts'
import { startRealNut } from '../test/helpers/nut-peer.ts'
import { testServerConfig } from '../test/helpers/nut-server-fixture.ts'
import { freePort } from '../test/helpers/ports.ts'
import { waitFor } from '../test/helpers/wait.ts'
import { Daemon, RealUpsmon, repoRoot, users } from '../test/interop/monitor-support.ts'

// The monitors it starts as root keep their files in root-only temporary directories.
process.env['NUTSHELL_USER'] ??= 'root'

// The monitor processes run the built JavaScript, as installed: through tsx every code
// path would be compiled the first time it runs, and a shutdown path runs only once.
execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'ignore' })
function startNutshellMonitor(args: readonly string[], env: NodeJS.ProcessEnv): Daemon {
  return new Daemon(process.execPath, [join(repoRoot, 'dist/cli/main.js'), 'monitor', ...args], {
    ...env,
    NUTSHELL_LOG_LEVEL: 'debug',
  })
}

const log = silentLogger()
const fastSamples = 150
const upsmonSamples = 6
/** Each shutdown sample starts a fresh monitor (its shutdown path runs once, cold). */
const shutdownSamples = 10

function nowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6))
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return sorted[Math.max(0, index)] ?? Number.NaN
}

const nut = await startRealNut(
  {
    'ups.conf': '[dummy]\n\tdriver = dummy-ups\n\tport = dummy.dev\n',
    'dummy.dev': 'ups.status: OL\n',
    'upsd.users': users,
  },
  ['dummy'],
)
const base = nut.dir.base
const socketPath = join(nut.dir.run, 'dummy-ups-dummy')
const marker = join(base, 'mark.sh')
await writeFile(marker, `#!/bin/sh\necho "$(date +%s%N) $NOTIFYTYPE" >> ${base}/$1.log\n`, {
  mode: 0o755,
})

// One control connection to the driver, open for the whole run (closing extra driver
// connections can crash dummy-ups 2.8.0: reference 6, pitfall 1).
const control: Socket = connect(socketPath)
await new Promise((resolve) => control.once('connect', resolve))
// The driver's broadcast of the change (SETINFO ups.status) is the moment the status
// changes for every client; dummy-ups 2.8.0 itself sometimes holds a SET for ~1 s before
// applying it, the same for every mode, so latencies are counted from the broadcast.
let broadcastAt: bigint | undefined
control.setEncoding('utf8')
control.on('data', (text: string) => {
  if (text.includes('ups.status')) broadcastAt = nowNs()
})
function setStatus(status: string): { since: () => bigint } {
  broadcastAt = undefined
  const sent = nowNs()
  control.write(`SET ups.status "${status}"\n`)
  return { since: () => broadcastAt ?? sent }
}

async function lines(name: string): Promise<string[]> {
  try {
    return (await readFile(join(base, `${name}.log`), 'utf8')).trim().split('\n').filter(Boolean)
  } catch {
    return []
  }
}

/** Toggles OB/OL `count` times, each time waiting for the notification; ms latencies. */
async function notifySamples(name: string, count: number, timeoutMs: number): Promise<number[]> {
  const result: number[] = []
  let current = 'OL'
  for (let i = 0; i < count; i++) {
    const seen = (await lines(name)).length
    current = current === 'OL' ? 'OB' : 'OL'
    const t0 = setStatus(current)
    const last = await waitFor(
      async () => {
        const all = await lines(name)
        return all.length > seen ? all[all.length - 1] : undefined
      },
      { timeoutMs, intervalMs: 5, what: `${name} notification ${i}` },
    )
    result.push(Number(BigInt(last.split(' ')[0] ?? '0') - t0.since()) / 1e6)
    await delay(5 + Math.random() * 20)
  }
  setStatus('OL')
  await delay(100)
  return result
}

/** OB LB → SHUTDOWNCMD; `start` builds a fresh monitor, `stop` ends it. */
async function shutdownSample(
  name: string,
  start: () => Promise<() => Promise<void>>,
  timeoutMs: number,
): Promise<number> {
  setStatus('OL')
  await delay(50)
  const stop = await start()
  try {
    const seen = (await lines(name)).length
    const t0 = setStatus('OB LB')
    const last = await waitFor(
      async () => {
        const all = await lines(name)
        return all.length > seen ? all[all.length - 1] : undefined
      },
      { timeoutMs, intervalMs: 5, what: `${name} SHUTDOWNCMD` },
    )
    return Number(BigInt(last.split(' ')[0] ?? '0') - t0.since()) / 1e6
  } finally {
    await stop()
    setStatus('OL')
    await delay(50)
  }
}

function config(name: string, extra: Partial<MonitorConfig> = {}): MonitorConfig {
  return monitorConfig([{ ...ups('dummy'), system: 'dummy' }], {
    notifyCommand: { shell: `${marker} ${name}` },
    shutdownCommand: { shell: `${marker} ${name}-shutdown` },
    notifyFlags: { ONBATT: ['EXEC'], ONLINE: ['EXEC'] },
    finalDelayMs: 0,
    ...extra,
  })
}

async function bridgedStore(): Promise<{ store: DeviceStore; stop: () => Promise<void> }> {
  const store = new DeviceStore()
  const device = store.add('dummy')
  const link = new StateSocketLink({ device, socketPath, clock: systemClock, log })
  device.attachController(link)
  link.start()
  await waitFor(() => device.commState === 'ok' && device.getValue('ups.status') !== undefined, {
    what: 'bridge data',
  })
  return { store, stop: () => link.stop() }
}

/** In-process only: from the store's change event to the command's spawn (the monitor itself). */
const internal: number[] = []

async function inProcess(name: string, extra: Partial<MonitorConfig> = {}) {
  const bridge = await bridgedStore()
  let changedAt: number | undefined
  bridge.store.onChange((c) => {
    if (c.kind === 'variable' && c.name === 'ups.status') changedAt = performance.now()
  })
  const running = await startMonitor({
    config: config(name, extra),
    store: bridge.store,
    log,
    syslog: false,
    wall: false,
    onCommandStart: () => {
      if (changedAt !== undefined) internal.push(performance.now() - changedAt)
      changedAt = undefined
    },
  })
  return async () => {
    await running.stop()
    await bridge.stop()
  }
}

function upsmonConfText(name: string, port: number, extra = ''): string {
  return `MONITOR dummy@127.0.0.1:${port} 1 monp primarypass primary
SHUTDOWNCMD "${marker} ${name}-shutdown"
NOTIFYCMD "${marker} ${name}"
NOTIFYFLAG ONBATT EXEC
NOTIFYFLAG ONLINE EXEC
FINALDELAY 0
RUN_AS_USER root
${extra}
`
}

async function daemon(
  make: () => Daemon | Promise<Daemon>,
  ready: (d: Daemon) => boolean | Promise<boolean>,
) {
  const d = await make()
  await waitFor(() => ready(d), { what: 'monitor ready', timeoutMs: 15_000 })
  await delay(300)
  return () => d.stop()
}

async function localMode(name: string) {
  const conf = join(nut.dir.etc, `${name}.conf`)
  await writeFile(conf, upsmonConfText(name, 0).replace(/^MONITOR.*\n/, ''))
  return daemon(
    () =>
      startNutshellMonitor(
        [
          '--local',
          '-f',
          conf,
          '--nut-confpath',
          nut.dir.etc,
          '--state-path',
          nut.dir.run,
          '--pid-file',
          join(base, `${name}.pid`),
        ],
        nut.dir.env,
      ),
    (d) => d.output.join('').includes('"comm":"ok"') || d.output.join('').includes('dummy'),
  )
}

async function remoteMode(name: string) {
  const bridge = await bridgedStore()
  const port = await freePort()
  const server = createNutServer({
    store: bridge.store,
    server: testServerConfig({ listen: [{ host: '127.0.0.1', port }], statePath: nut.dir.run }),
    users: [
      {
        name: 'monp',
        password: 'primarypass',
        actions: ['FSD', 'LOGIN', 'PRIMARY'],
        instcmds: [],
        upsmon: 'primary',
      },
    ],
    log,
  })
  await server.start()
  const conf = join(nut.dir.etc, `${name}.conf`)
  await writeFile(conf, upsmonConfText(name, port))
  const stop = await daemon(
    () => startNutshellMonitor(['-f', conf, '--pid-file', join(base, `${name}.pid`)], nut.dir.env),
    (d) => d.output.join('').includes('"mode":"push"'),
  )
  return async () => {
    await stop()
    await server.stop()
    await bridge.stop()
  }
}

async function upsmonMode(name: string) {
  const conf = join(nut.dir.etc, `${name}.conf`)
  await writeFile(conf, upsmonConfText(name, nut.port))
  return daemon(
    () => RealUpsmon.start(conf, nut.dir.env),
    () => existsSync('/run/nut/upsmon.pid'),
  )
}

interface Row {
  mode: string
  notify: number[]
  shutdown: number[]
}
const rows: Row[] = []
const started = Date.now()

// nutshell in-process
{
  const stop = await inProcess('inproc')
  const notify = await notifySamples('inproc', fastSamples, 5_000)
  await stop()
  const shutdown: number[] = []
  for (let i = 0; i < shutdownSamples; i++)
    shutdown.push(await shutdownSample('inproc-shutdown', () => inProcess('inproc'), 5_000))
  rows.push({ mode: 'nutshell in-process', notify, shutdown })
}
// nutshell --local
{
  const stop = await localMode('local')
  const notify = await notifySamples('local', fastSamples, 5_000)
  await stop()
  const shutdown: number[] = []
  for (let i = 0; i < shutdownSamples; i++)
    shutdown.push(await shutdownSample('local-shutdown', () => localMode('local'), 5_000))
  rows.push({ mode: 'nutshell --local', notify, shutdown })
}
// nutshell remote, push
{
  const stop = await remoteMode('remote')
  const notify = await notifySamples('remote', fastSamples, 5_000)
  await stop()
  const shutdown: number[] = []
  for (let i = 0; i < shutdownSamples; i++)
    shutdown.push(await shutdownSample('remote-shutdown', () => remoteMode('remote'), 5_000))
  rows.push({ mode: 'nutshell remote (push)', notify, shutdown })
}
// real upsmon, defaults (POLLFREQ 5), through real upsd
{
  const stop = await upsmonMode('upsmon')
  const notify = await notifySamples('upsmon', upsmonSamples, 12_000)
  await stop()
  // One shutdown sample: upsd keeps FSD latched afterwards.
  const shutdown = [await shutdownSample('upsmon-shutdown', () => upsmonMode('upsmon'), 12_000)]
  rows.push({ mode: 'real upsmon 2.8.0 (defaults)', notify, shutdown })
}

control.destroy()
await nut.stop()

const peer = rows.find((r) => r.mode.startsWith('real upsmon'))
const fmt = (n: number) => n.toFixed(1).padStart(8)
process.stdout.write(
  `\nmonitor latency, ms (driver broadcasts the status change → command's first line runs); ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
)
process.stdout.write(
  `${'mode'.padEnd(30)} ${'n'.padStart(4)} ${'notify p50'.padStart(10)} ${'p99'.padStart(8)} ${'max'.padStart(8)} ${'ratio'.padStart(8)} | ${'n'.padStart(2)} ${'shutdown p99'.padStart(12)} ${'ratio'.padStart(8)}\n`,
)
for (const row of rows) {
  const p99 = percentile(row.notify, 99)
  const s99 = percentile(row.shutdown, 99)
  const ratio = peer === undefined ? Number.NaN : percentile(peer.notify, 99) / p99
  const sratio = peer === undefined ? Number.NaN : percentile(peer.shutdown, 99) / s99
  process.stdout.write(
    `${row.mode.padEnd(30)} ${String(row.notify.length).padStart(4)} ${fmt(percentile(row.notify, 50)).padStart(10)} ${fmt(p99)} ${fmt(Math.max(...row.notify))} ${`${ratio.toFixed(0)}x`.padStart(8)} | ${String(row.shutdown.length).padStart(2)} ${fmt(s99).padStart(12)} ${`${sratio.toFixed(0)}x`.padStart(8)}\n`,
  )
}
process.stdout.write('ratio = real upsmon p99 / mode p99 (higher is faster than upsmon)\n')
process.stdout.write(
  `in-process, store change → child spawned (the monitor alone): n ${internal.length} p50 ${percentile(internal, 50).toFixed(2)} ms, p99 ${percentile(internal, 99).toFixed(2)} ms\n`,
)
