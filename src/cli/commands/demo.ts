/**
 * `nutshell demo`: one simulated UPS living through a power cut in a loop, served on
 * 127.0.0.1:3493 or the next free port, watched by nutshell's monitor (its shutdown
 * simulated) and by a sample rule; the story is told one line per step (demo-story.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Broker, startBroker } from '../../broker/broker.ts'
import { runDaemon } from '../../broker/daemon.ts'
import type { BrokerConfig } from '../../config/types.ts'
import { defaultServerLimits } from '../../config/types.ts'
import { defaultWebConfig } from '../../config/web-config.ts'
import { type Clock, systemClock } from '../../core/clock.ts'
import { describeError, isNutshellError, NutshellError } from '../../core/errors.ts'
import { silentLogger } from '../../core/log.ts'
import { scaledClock } from '../../core/scaled-clock.ts'
import { demoPowerCutSeq } from '../../drivers/dummy/demo-data.ts'
import { type CommandSpec, parseCommand, stringValue, usageFailure } from '../args.ts'
import { demoRules, demoRulesFile, startStory } from '../demo-story.ts'
import { reportFailure } from '../error-report.ts'
import { findOnPath, nutshellCommand } from '../how-to-run.ts'

export const demoCommand: CommandSpec = {
  name: 'demo',
  usage: ['[--port N] [--host ADDR] [--speed N]'],
  summary: 'a simulated UPS living through a power cut',
  options: {
    port: {
      type: 'string',
      short: 'p',
      value: 'N',
      help: 'the first port to try; the next 19 are tried in turn',
      default: '3493',
    },
    host: { type: 'string', value: 'ADDR', help: 'the address to listen on', default: '127.0.0.1' },
    speed: {
      type: 'string',
      value: 'N',
      help: 'play the story N times faster (the replay, the monitor and the rule)',
      default: '1',
    },
  },
  notes: `One UPS named "demo" replays a power cut in a loop of about 83 s, served over the NUT
protocol. nutshell's monitor watches it and decides to shut down at low battery (simulated:
no command is run), and a sample rule notifies after 10 s on battery. Stop it with Ctrl-C.`,
  examples: ['nutshell demo', 'nutshell demo --port 3500 --speed 5'],
}

const deviceName = 'demo'
const demoUser = { name: 'demo', password: 'demo' }

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(demoCommand, args)
  if (!parsed.ok) return parsed.code
  const host = stringValue(parsed.values, 'host') ?? '127.0.0.1'
  const firstPort = Number(stringValue(parsed.values, 'port') ?? 3493)
  if (!Number.isInteger(firstPort) || firstPort < 1 || firstPort > 65535) {
    return usageFailure(demoCommand, '--port must be a number from 1 to 65535')
  }
  const speed = Number(stringValue(parsed.values, 'speed') ?? 1)
  if (!(speed >= 1 && speed <= 100)) {
    return usageFailure(demoCommand, '--speed must be a number from 1 to 100')
  }
  const clock = speed === 1 ? systemClock : scaledClock(systemClock, speed)

  const dir = await mkdtemp(join(tmpdir(), 'nutshell-demo-'))
  await writeFile(join(dir, 'power-cut.seq'), demoPowerCutSeq)
  try {
    const broker = await startOnFreePort(dir, host, firstPort, clock)
    const address = broker.addresses()[0]
    const port = address?.port ?? firstPort
    const where = address === undefined ? host : formatHostPort(address.host, address.port)
    process.stdout.write(introduction(where, broker.web?.url))
    const story = await startStory({
      store: broker.store,
      device: deviceName,
      clock,
      port,
      print: (line) => process.stdout.write(`${line}\n`),
    })
    const code = await runDaemon(
      {
        ...broker,
        stop: async (reason) => {
          await story.stop()
          await broker.stop(reason)
          process.stdout.write('nutshell demo: stopped\n')
        },
      },
      { log: silentLogger() },
    )
    return code
  } catch (error) {
    reportFailure('nutshell demo', error)
    return 1
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** What is running and the commands to try, each one runnable as printed from here. */
function introduction(where: string, webUrl: string | undefined): string {
  const nutshell = nutshellCommand()
  const target = `${deviceName}@${where}`
  const lines = [
    `nutshell demo: a simulated UPS "${deviceName}" living through a power cut, served on ${where}`,
    '',
    ...(webUrl === undefined
      ? []
      : [`Dashboard: ${webUrl} (log in as ${demoUser.name}, password ${demoUser.password})`, '']),
    'Query it (in another terminal):',
    `  ${nutshell} upsc ${target}`,
    `  ${nutshell} upsc ${target} battery.charge`,
  ]
  if (findOnPath('upsc', process.env['PATH']) !== undefined) {
    lines.push("or with NUT's own client:", `  upsc ${target}`)
  }
  lines.push(
    `Change a value (user ${demoUser.name}, password ${demoUser.password}):`,
    `  ${nutshell} upsrw -s ups.delay.shutdown=30 -u ${demoUser.name} -p ${demoUser.password} ${target}`,
    '',
    `nutshell's monitor watches it (MONITOR ${deviceName}@localhost, primary); its shutdown is`,
    'simulated: no command is run. A sample rule runs too:',
    '',
    ...demoRules
      .trimEnd()
      .split('\n')
      .map((line, i) => `  ${demoRulesFile}:${i + 1}  ${line}`),
    '',
    'Press Ctrl-C to stop.',
    '',
    '',
  )
  return lines.join('\n')
}

function demoConfig(dir: string, host: string, port: number, webPort: number): BrokerConfig {
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
    // The dashboard and API; the demo user (SET, every command) logs in as admin.
    web: defaultWebConfig({ listen: { host, port: webPort } }),
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
async function startOnFreePort(
  dir: string,
  host: string,
  port: number,
  clock: Clock,
): Promise<Broker> {
  const attempts = 20
  let lastError: unknown
  for (let i = 0; i < attempts && port + i <= 65535; i++) {
    try {
      return await startBroker(demoConfig(dir, host, port + i, 8080 + i), {
        mode: 'serve',
        log: silentLogger(),
        clock,
      })
    } catch (error) {
      lastError = error
    }
  }
  if (isNutshellError(lastError) && lastError.code !== 'NS_LISTEN_FAILED') throw lastError
  // The last port's failure says why (in use, or an address this host does not have).
  const last = Math.min(port + attempts, 65536) - 1
  throw new NutshellError(
    'NS_LISTEN_FAILED',
    `${describeError(lastError)} (tried ports ${port} to ${last}; --port picks others)`,
    { cause: lastError },
  )
}

function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}
