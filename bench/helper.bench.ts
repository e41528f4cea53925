/**
 * The privileged helper's cost. From a UPS going `OB LB` on a real dummy-ups driver (the
 * driver's broadcast of the change) to SHUTDOWNCMD starting (a script appending
 * `date +%s%N`), for `nutshell monitor` running SHUTDOWNCMD itself (the in-process path)
 * and for `nutshell helper --monitor`: a jailed child (bubblewrap + permission model, as
 * nobody) sending frames to the helper, which runs SHUTDOWNCMD. Both watch a nutshell
 * server in this process (WATCH push), a fresh monitor per sample (the path runs once).
 * Then the helper's resident memory and code lines beside real upsmon's root parent.
 *
 * Run: node --import tsx bench/helper.bench.ts      (about a minute, as root)
 */
import { readFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { systemClock } from '../src/core/clock.ts'
import { silentLogger } from '../src/core/log.ts'
import { DeviceStore } from '../src/devices/device-store.ts'
import { StateSocketLink } from '../src/drivers/nut/state-socket-link.ts'
import { createNutServer } from '../src/server/nut-server.ts'
import { builtMain, ensureBuilt } from '../test/helpers/built.ts'
import { helperStateDir, procStatus } from '../test/helpers/nut-helper.ts'
import { startRealNut } from '../test/helpers/nut-peer.ts'
import { testServerConfig } from '../test/helpers/nut-server-fixture.ts'
import { freePort } from '../test/helpers/ports.ts'
import { waitFor } from '../test/helpers/wait.ts'
import { Daemon, RealUpsmon, users } from '../test/interop/monitor-support.ts'

await ensureBuilt()
const log = silentLogger()
const samples = 10
const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return (
    sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] ??
    Number.NaN
  )
}
const nowNs = (): bigint =>
  BigInt(Date.now()) * 1_000_000n + BigInt(Math.floor((performance.now() % 1) * 1e6))

const nut = await startRealNut(
  {
    'ups.conf': '[dummy]\n\tdriver = dummy-ups\n\tport = dummy.dev\n',
    'dummy.dev': 'ups.status: OL\n',
    'upsd.users': users,
  },
  ['dummy'],
)
const base = nut.dir.base
const state = await helperStateDir(base)
const marker = join(base, 'mark.sh')
await writeFile(marker, `#!/bin/sh\necho "$(date +%s%N)" >> ${base}/$1.log\n`, { mode: 0o755 })

const control: Socket = connect(join(nut.dir.run, 'dummy-ups-dummy'))
await new Promise((resolve) => control.once('connect', resolve))
let broadcastAt: bigint | undefined
control.setEncoding('utf8').on('data', (text: string) => {
  if (text.includes('ups.status')) broadcastAt = nowNs()
})
const setStatus = (status: string) => {
  broadcastAt = undefined
  const sent = nowNs()
  control.write(`SET ups.status "${status}"\n`)
  return () => broadcastAt ?? sent
}

// A fresh nutshell server per sample (pushed changes: no polling delay): a primary
// monitor latches FSD on the device it shuts down for.
async function startServer(): Promise<{ port: number; stop: () => Promise<void> }> {
  const store = new DeviceStore()
  const device = store.add('dummy')
  const socketPath = join(nut.dir.run, 'dummy-ups-dummy')
  const link = new StateSocketLink({ device, socketPath, clock: systemClock, log })
  device.attachController(link)
  link.start()
  await waitFor(() => device.getValue('ups.status') !== undefined, { what: 'bridge data' })
  const port = await freePort()
  const monp = { name: 'monp', password: 'primarypass', instcmds: [] }
  const server = createNutServer({
    store,
    server: testServerConfig({ listen: [{ host: '127.0.0.1', port }], statePath: nut.dir.run }),
    users: [{ ...monp, actions: ['FSD', 'LOGIN', 'PRIMARY'], upsmon: 'primary' }],
    log,
  })
  await server.start()
  return {
    port,
    stop: async () => {
      await server.stop()
      await link.stop()
    },
  }
}

const conf = (
  name: string,
  user: string,
  port: number,
) => `MONITOR dummy@127.0.0.1:${port} 1 monp primarypass primary
SHUTDOWNCMD "${marker} ${name}"
FINALDELAY 0
HOSTSYNC 1
RUN_AS_USER ${user}
`
const lines = async (name: string) =>
  (await readFile(join(base, `${name}.log`), 'utf8').catch(() => '')).split('\n').filter(Boolean)

async function sample(
  name: string,
  file: string,
  user: string,
  start: () => Daemon,
): Promise<number> {
  setStatus('OL')
  await delay(100)
  const server = await startServer()
  await writeFile(join(nut.dir.etc, file), conf(name, user, server.port))
  const d = start()
  try {
    await waitFor(() => d.output.join('').includes('"mode":"push"'), {
      what: `${name} ready`,
      timeoutMs: 15_000,
    })
    await delay(300)
    const seen = (await lines(name)).length
    const since = setStatus('OB LB')
    const last = await waitFor(async () => (await lines(name))[seen], {
      intervalMs: 5,
      timeoutMs: 10_000,
      what: name,
    })
    return Number(BigInt(last) - since()) / 1e6
  } finally {
    await d.stop()
    await server.stop()
  }
}

const env = { ...nut.dir.env, NUTSHELL_LOG_LEVEL: 'debug', NUTSHELL_LOG_FORMAT: 'json' }
const inproc: number[] = []
const helper: number[] = []
let helperRssKb = 0
for (let i = 0; i < samples; i++) {
  inproc.push(
    await sample(
      'inproc',
      'inproc.conf',
      'root',
      () =>
        new Daemon(
          process.execPath,
          [
            builtMain,
            'monitor',
            '-f',
            join(nut.dir.etc, 'inproc.conf'),
            '--pid-file',
            join(base, 'm.pid'),
          ],
          env,
        ),
    ),
  )
  helper.push(
    await sample('helper', 'upsmon.conf', 'nobody', () => {
      const d = new Daemon(
        process.execPath,
        [builtMain, 'helper', '--monitor', '--nut-confpath', nut.dir.etc, '--state-path', state],
        env,
      )
      setTimeout(() => {
        if (d.child.pid !== undefined && !d.exited)
          helperRssKb = Math.max(
            helperRssKb,
            Number.parseInt(procStatus(d.child.pid)['VmRSS'] ?? '0', 10),
          )
      }, 1500)
      return d
    }),
  )
}

// Real upsmon's root parent: it forks; the parent (the process we started) stays root.
// The last sample left the UPS on OB LB: upsmon would shut down at once.
setStatus('OL')
await delay(1500)
await writeFile(join(nut.dir.etc, 'real.conf'), conf('real', 'nobody', nut.port))
const upsmon = await RealUpsmon.start(join(nut.dir.etc, 'real.conf'), nut.dir.env)
await delay(2000)
if (upsmon.exited) throw new Error(`upsmon exited:\n${upsmon.output.join('')}`)
const upsmonRssKb = Number.parseInt(procStatus(upsmon.child.pid as number)['VmRSS'] ?? '0', 10)
await upsmon.stop()

const codeLines = (file: string) =>
  readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^\s*(\/\/|\/\*|\*)/.test(l)).length
const helperFiles = ['child', 'dispatch', 'helper-config', 'jail', 'rate-limit', 'run-helper'].map(
  (f) => `src/helper/${f}.ts`,
)
const lineCount = [...helperFiles, 'src/cli/commands/helper.ts'].reduce(
  (n, f) => n + codeLines(f),
  0,
)
const codec = ['frame-encode', 'frame-reader', 'frame-types'].reduce(
  (n, f) => n + codeLines(`src/protocol/helper-pipe/${f}.ts`),
  0,
)

const fmt = (v: number) => `${v.toFixed(1)} ms`
process.stdout.write(`OB LB → SHUTDOWNCMD start (n ${samples} each, fresh monitor per sample)\n`)
process.stdout.write(
  `  in-process (nutshell monitor)      p50 ${fmt(percentile(inproc, 50))}  p99 ${fmt(percentile(inproc, 99))}\n`,
)
process.stdout.write(
  `  helper + jail (bwrap, permission)  p50 ${fmt(percentile(helper, 50))}  p99 ${fmt(percentile(helper, 99))}\n`,
)
process.stdout.write(`  p99 difference ${fmt(percentile(helper, 99) - percentile(inproc, 99))}\n`)
process.stdout.write(
  `helper RSS ${(helperRssKb / 1024).toFixed(1)} MiB; real upsmon 2.8.0 root parent RSS ${(upsmonRssKb / 1024).toFixed(1)} MiB\n`,
)
process.stdout.write(
  `helper code lines (no comments or blank lines) ${lineCount}, codec ${codec}\n`,
)

control.destroy()
await nut.stop()
