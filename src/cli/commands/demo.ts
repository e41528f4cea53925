/**
 * `nutshell demo`: one simulated UPS replaying a power cut in a loop (on line, on battery
 * with charge and runtime falling, low battery, power back, recharging), served on
 * 127.0.0.1:3493 or the next free port, with one line per event on the terminal.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type Broker, startBroker } from '../../broker/broker.ts'
import { runDaemon } from '../../broker/daemon.ts'
import type { BrokerConfig } from '../../config/types.ts'
import { defaultServerLimits } from '../../config/types.ts'
import { systemClock } from '../../core/clock.ts'
import { silentLogger } from '../../core/log.ts'
import type { DeviceChange } from '../../devices/device.ts'
import {
  applyComm,
  applyStatus,
  initialNotifyState,
  type NotifyState,
} from '../../devices/notify-events.ts'
import { demoPowerCutSeq } from '../../drivers/dummy/demo-data.ts'

const usage = `usage: nutshell demo [--port N] [--host ADDR]

Runs one simulated UPS named "demo" replaying a power cut, served over the NUT protocol
on 127.0.0.1:3493 (or the next free port). Stop it with Ctrl-C.

  --port N     the first port to try (default 3493); the next 19 are tried in turn
  --host ADDR  the address to listen on (default 127.0.0.1)
`

const deviceName = 'demo'
const demoUser = { name: 'demo', password: 'demo' }

export async function run(args: string[]): Promise<number> {
  let values: ReturnType<typeof parseDemoArgs>
  try {
    values = parseDemoArgs(args)
  } catch (error) {
    process.stderr.write(`nutshell demo: ${(error as Error).message}\n\n${usage}`)
    return 2
  }
  if (values.help === true) {
    process.stdout.write(usage)
    return 0
  }
  const host = values.host ?? '127.0.0.1'
  const firstPort = values.port === undefined ? 3493 : Number(values.port)
  if (!Number.isInteger(firstPort) || firstPort < 1 || firstPort > 65535) {
    process.stderr.write(`nutshell demo: --port must be a number from 1 to 65535\n`)
    return 2
  }

  const dir = await mkdtemp(join(tmpdir(), 'nutshell-demo-'))
  await writeFile(join(dir, 'power-cut.seq'), demoPowerCutSeq)
  try {
    const broker = await startOnFreePort(dir, host, firstPort)
    const address = broker.addresses()[0]
    const where = address === undefined ? host : formatHostPort(address.host, address.port)
    process.stdout.write(
      [
        `nutshell demo: a simulated UPS "${deviceName}" replaying a power cut, served on ${where}`,
        '',
        "Query it with NUT's own client or nutshell's:",
        `  upsc ${deviceName}@${where}`,
        `  nutshell upsc ${deviceName}@${where} ups.status`,
        `Change a value (user ${demoUser.name}, password ${demoUser.password}):`,
        `  nutshell upsrw -s ups.delay.shutdown=30 -u ${demoUser.name} -p ${demoUser.password} ${deviceName}@${where}`,
        'Press Ctrl-C to stop.',
        '',
        '',
      ].join('\n'),
    )
    const unfollow = followEvents(broker)
    const code = await runDaemon(broker, { log: silentLogger() })
    unfollow()
    process.stdout.write('nutshell demo: stopped\n')
    return code
  } catch (error) {
    process.stderr.write(`nutshell demo: ${(error as Error).message}\n`)
    return 1
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function parseDemoArgs(args: string[]) {
  return parseArgs({
    args,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values
}

function demoConfig(dir: string, host: string, port: number): BrokerConfig {
  return {
    configDir: dir,
    source: { kind: 'yaml', file: join(dir, 'demo') },
    devices: [
      {
        name: deviceName,
        driver: 'dummy-ups',
        port: 'power-cut.seq',
        description: 'nutshell demo UPS (simulated power cut)',
        options: { mode: 'dummy-loop' },
        flags: [],
      },
    ],
    server: {
      listen: [{ host, port }],
      maxAgeMs: 15_000,
      trackingDelayMs: 3_600_000,
      statePath: dir,
      limits: defaultServerLimits,
    },
    users: [
      {
        name: demoUser.name,
        password: demoUser.password,
        actions: ['SET'],
        instcmds: ['all'],
      },
    ],
  }
}

/** Tries port, port+1, ... up to 20 ports. */
async function startOnFreePort(dir: string, host: string, port: number): Promise<Broker> {
  const attempts = 20
  let lastError: unknown
  for (let i = 0; i < attempts && port + i <= 65535; i++) {
    try {
      return await startBroker(demoConfig(dir, host, port + i), {
        mode: 'serve',
        log: silentLogger(),
      })
    } catch (error) {
      lastError = error
    }
  }
  throw lastError instanceof Error ? lastError : new Error('no free port')
}

function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** Prints one line per notify event, with the figures a person wants to see beside it. */
function followEvents(broker: Broker): () => void {
  const device = broker.store.get(deviceName)
  if (device === undefined) return () => {}
  let state: NotifyState = initialNotifyState(systemClock.now())
  // Printed once the driver has applied the whole step, so the figures belong together.
  const print = (event: string): void => {
    setImmediate(() => printNow(event))
  }
  const printNow = (event: string): void => {
    const time = new Date().toTimeString().slice(0, 8)
    const charge = device.getValue('battery.charge')
    const runtime = device.getValue('battery.runtime')
    const status = device.getValue('ups.status') ?? ''
    const figures = [
      `status ${status}`,
      charge === undefined ? undefined : `charge ${charge} %`,
      runtime === undefined ? undefined : `runtime ${Math.round(Number(runtime) / 60)} min`,
    ].filter((x) => x !== undefined)
    process.stdout.write(`${time}  ${deviceName}  ${event.padEnd(8)}  ${figures.join(', ')}\n`)
  }
  // upsmon does not announce the first ONLINE; a demo should show where it starts.
  const initial = device.getValue('ups.status')
  if (initial !== undefined) {
    state = applyStatus(state, initial, systemClock.now()).state
    print(/\bOB\b/.test(initial) ? 'ONBATT' : 'ONLINE')
  }
  return broker.store.onChange((change: DeviceChange) => {
    if (change.device !== deviceName) return
    if (change.kind === 'comm') {
      const result = applyComm(state, change.state === 'ok', systemClock.now())
      state = result.state
      for (const event of result.events) print(event)
      return
    }
    if (change.kind !== 'variable' || change.name.toLowerCase() !== 'ups.status') return
    const result = applyStatus(state, change.value, systemClock.now())
    state = result.state
    for (const event of result.events) print(event)
  })
}
