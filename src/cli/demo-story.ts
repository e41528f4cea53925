/**
 * What `nutshell demo` tells while its UPS lives through the power cut: one line per step
 * of the replay (status, charge, runtime), the lines of nutshell's real monitor deciding
 * to shut down at LOWBATT (the shutdown itself simulated: nothing is run) and of a sample
 * rule firing, read from an in-memory rules file. All of it on one clock, so
 * `--speed` plays the same story faster.
 */

import type { PowerRoad } from '../actions/power-road.ts'
import { monitorFromUpsmonConf } from '../config/from-nut.ts'
import type { Clock } from '../core/clock.ts'
import { NutshellError } from '../core/errors.ts'
import { silentLogger } from '../core/log.ts'
import type { DeviceChange } from '../devices/device.ts'
import type { DeviceStore } from '../devices/device-store.ts'
import {
  applyComm,
  applyStatus,
  initialNotifyState,
  type NotifyState,
} from '../devices/notify-events.ts'
import { type RunningMonitor, startMonitor } from '../monitor/start-monitor.ts'
import { StoreLink } from '../monitor/store-link.ts'
import { parseUpsmonConf } from '../protocol/nut-config/upsmon-conf.ts'
import type { ActionRequest } from '../rules/action-sink.ts'
import { type RunningRules, startRules } from '../rules/start-rules.ts'

/** The rules file the demo runs, shown to the user as it is. */
export const demoRulesFile = 'demo.rules'
export const demoRules = `when ups.status has OB for 10s {
  notify "{ups} has been on battery for 10 s ({battery.charge} % left)"
} else {
  notify "{ups}: power is back"
}
`

export const demoShutdownCommand = '/sbin/shutdown -h +0'

export interface StoryOptions {
  store: DeviceStore
  device: string
  clock: Clock
  /** Where the demo's server listens, for the MONITOR line. */
  port: number
  /** Writes one finished line (without its newline). */
  print: (line: string) => void
}

export interface Story {
  stop(): Promise<void>
}

export async function startStory(options: StoryOptions): Promise<Story> {
  const { store, device: name, clock } = options
  const device = store.get(name)
  // The demo adds its own device before the story starts.
  if (device === undefined) throw new NutshellError('NS_INTERNAL', `no device ${name}`)
  const start = clock.now()
  // Lines are queued and written once the current turn of the event loop is over: a step
  // of the replay changes several variables at once, and the monitor and the rules react
  // to it in the same turn; the step's line must come first, with all of its figures.
  const queue: Array<() => string[]> = []
  const emit = (lines: () => string[]): void => {
    if (queue.push(lines) === 1) setImmediate(flush)
  }
  const flush = (): void => {
    for (const lines of queue.splice(0)) for (const line of lines()) options.print(line)
  }
  const say = (who: string, text: string): void => {
    const at = elapsed(clock.now() - start)
    emit(() => [`${at}  ${who.padEnd(7)}  ${text}`])
  }

  // ---- the device: one line per step of the replay -----------------------------------
  let state: NotifyState = initialNotifyState(clock.now())
  const figures = (): string => {
    const status = device.getValue('ups.status') ?? ''
    const charge = device.getValue('battery.charge')
    const runtime = device.getValue('battery.runtime')
    const parts = [`status ${status.padEnd(13)}`]
    if (charge !== undefined) parts.push(`charge ${charge.padStart(3)} %`)
    if (runtime !== undefined) parts.push(`runtime ${Math.round(Number(runtime) / 60)} min`)
    return parts.join('  ')
  }
  /** The events of the step being told, until its line is written. */
  let current: string[] | undefined
  const step = (event?: string): void => {
    if (current === undefined) {
      const events: string[] = []
      current = events
      const at = elapsed(clock.now() - start)
      emit(() => {
        if (current === events) current = undefined
        return (events.length === 0 ? [''] : events).map(
          (e) => `${at}  ${name.padEnd(7)}  ${e.padEnd(8)}  ${figures()}`,
        )
      })
    }
    if (event !== undefined) current.push(event)
  }
  const initial = device.getValue('ups.status')
  if (initial !== undefined) {
    state = applyStatus(state, initial, clock.now()).state
    // upsmon does not announce the first ONLINE; a demo should show where it starts.
    step(/\bOB\b/.test(initial) ? 'ONBATT' : 'ONLINE')
  }
  const unfollow = store.onChange((change: DeviceChange) => {
    if (change.device !== name) return
    if (change.kind === 'comm') {
      const result = applyComm(state, change.state === 'ok', clock.now())
      state = result.state
      for (const event of result.events) step(event)
      return
    }
    if (change.kind !== 'variable') return
    const variable = change.name.toLowerCase()
    if (variable === 'ups.status') {
      const result = applyStatus(state, change.value, clock.now())
      state = result.state
      if (result.events.length === 0) step()
      for (const event of result.events) step(event)
      if (!/\bOB\b/.test(change.value)) void monitorBack()
    } else if (variable === 'battery.charge') step()
  })

  // ---- the monitor: nutshell's own, with the shutdown simulated -----------------------
  const shutdownPort: PowerRoad = {
    writePowerDownFlag: async () => {},
    shutdown: async () => {
      say('monitor', `would run SHUTDOWNCMD now (demo: not run): ${demoShutdownCommand}`)
      say('monitor', 'a real machine would power off here; the demo goes on')
    },
    hibernate: async () => false,
  }
  const upsmonConf = [
    `MONITOR ${name}@localhost:${options.port} 1 demo demo primary`,
    'MINSUPPLIES 1',
    `SHUTDOWNCMD "${demoShutdownCommand}"`,
    'FINALDELAY 3',
    '',
  ].join('\n')
  const monitorConfig = monitorFromUpsmonConf(parseUpsmonConf(upsmonConf, 'demo').conf)
  const launch = async (): Promise<RunningMonitor> => {
    const running = await startMonitor({
      config: monitorConfig,
      store,
      clock,
      log: silentLogger(),
      shutdownPort,
      // Setting FSD on the demo UPS would latch it until the demo ends: the story goes on.
      linkFor: (m) =>
        Object.assign(new StoreLink({ store, device: m.ups }), { setFsd: async () => {} }),
      syslog: false,
      wall: false,
    })
    running.monitor.events.on('shutdown-started', ({ reason }) =>
      say('monitor', `forced shutdown: ${reason}`),
    )
    running.monitor.events.on('notify', (n) => {
      if (n.type === 'SHUTDOWN') say('monitor', `SHUTDOWN  "${n.message}"`)
    })
    return running
  }
  let monitor = await launch()
  let relaunching = false
  // After a (simulated) shutdown a real machine is off until the power returns; the demo's
  // monitor starts again then, for the next pass.
  async function monitorBack(): Promise<void> {
    if (!monitor.monitor.shuttingDown || relaunching) return
    relaunching = true
    await monitor.stop()
    monitor = await launch()
    relaunching = false
    say('monitor', 'power is back: watching again (a real machine would boot now)')
  }

  // ---- a sample rule, from an in-memory file --------------------------------------------
  const rules: RunningRules = await startRules({
    store,
    clock,
    log: silentLogger(),
    files: [demoRulesFile],
    readText: async () => demoRules,
    sink: {
      run: (request: ActionRequest) => {
        if (request.action === 'notify') say('rule', `${request.rule}  notify "${request.text}"`)
      },
    },
  })

  return {
    async stop() {
      unfollow()
      rules.stop()
      await monitor.stop()
    },
  }
}

/** m:ss since the story began. */
function elapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000))
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`.padStart(5)
}
