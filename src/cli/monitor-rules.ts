/**
 * Rules inside `nutshell monitor` (docs/rules.md, docs/monitor.md). With `--local` the
 * rules see every variable of the drivers' devices. Against remote servers the monitor
 * reads only `ups.status`, so the rules run on a small mirror that holds each UPS's
 * status and communication state: `when ups.status has OB`, `on ONBATT`, `on COMMBAD` and
 * timers work; comparisons on other variables are false (missing), as the language says.
 */

import { CommandRunner } from '../actions/run-command.ts'
import type { MonitorConfig } from '../config/types.ts'
import { systemClock } from '../core/clock.ts'
import type { Logger } from '../core/log.ts'
import { DeviceStore } from '../devices/device-store.ts'
import type { RunningMonitor } from '../monitor/start-monitor.ts'
import { type RunningRules, startRules } from '../rules/start-rules.ts'
import { RulesSink } from '../rules-sink.ts'

export interface MonitorRules {
  /** Call after every (re)start of the monitor so the rules follow the running one. */
  follow(running: RunningMonitor): void
  reload(): Promise<{ ok: boolean; report: string }>
  stop(): void
}

export async function startMonitorRules(options: {
  files: readonly string[]
  config: MonitorConfig
  log: Logger
  /** The drivers' devices (--local); undefined: mirror what the monitor reads. */
  store: DeviceStore | undefined
}): Promise<MonitorRules> {
  const log = options.log.child({ face: 'rules' })
  const mirrored = options.store === undefined
  const store = options.store ?? mirrorStore(options.config)
  let current: RunningMonitor | undefined
  const sink = new RulesSink({
    store,
    clock: systemClock,
    log,
    runner: new CommandRunner({ clock: systemClock, log }),
    notifyCommand: options.config.notifyCommand,
    shutdown: async () => {
      await current?.monitor.requestFsd()
    },
    hibernate: async () => {
      await current?.monitor.requestHibernate()
    },
  })
  const rules: RunningRules = await startRules({
    store,
    clock: systemClock,
    log,
    sink,
    files: options.files,
    notify: {
      rbWarnTime: options.config.rbWarnTimeMs,
      noCommWarnTime: options.config.noCommWarnTimeMs,
    },
  })
  let unfollow: Array<() => void> = []
  return {
    follow(running) {
      for (const off of unfollow) off()
      current = running
      const { events } = running.monitor
      unfollow = [
        // Events only the monitor knows reach the rules as it raises them.
        events.on('notify', (n) => {
          if (n.type === 'SHUTDOWN' || n.type === 'SHUTDOWN_HOSTSYNC') {
            for (const device of store.list()) rules.injectEvent(device.name, n.type)
          }
        }),
      ]
      if (mirrored) {
        unfollow.push(
          events.on('observation', (o) => {
            const device = store.get(o.ups)
            if (device === undefined) return
            if (o.status === undefined) device.setCommState('lost')
            else {
              device.setValue('ups.status', o.status)
              device.setCommState('ok')
            }
          }),
        )
      }
    },
    reload: () => rules.reload(),
    stop() {
      for (const off of unfollow) off()
      rules.stop()
    },
  }
}

/** One device per MONITOR line, named after its UPS (the first of a name wins). */
function mirrorStore(config: MonitorConfig): DeviceStore {
  const store = new DeviceStore()
  for (const m of config.monitors) if (store.get(m.ups) === undefined) store.add(m.ups, m.system)
  return store
}
