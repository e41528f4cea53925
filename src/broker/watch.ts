/**
 * The monitor and the rules of a broker, wired the same way in every mode, so that they
 * cannot drift apart again:
 * - the rules see the events only the monitor raises (SHUTDOWN, SHUTDOWN_HOSTSYNC) as it
 *   raises them, on every device of the store;
 * - a rule's `shutdown` and `hibernate` go to the running monitor (its power road);
 * - a rule's `notify` goes to the monitor's NOTIFYCMD and to the configured webhooks;
 * - watching remote servers (remote monitor), the monitor reads only `ups.status`, so the
 *   store holds one mirror device per MONITOR line, fed from what the monitor reads: `when
 *   ups.status has OB`, `on ONBATT`, `on COMMBAD` and timers work; comparisons on other
 *   variables are false (missing), as the language says.
 */

import type { NotifyChannel } from '../actions/notify-channel.ts'
import type { BrokerConfig, MonitorConfig } from '../config/types.ts'
import type { Clock } from '../core/clock.ts'
import { describeError } from '../core/errors.ts'
import type { Logger } from '../core/log.ts'
import type { DeviceStore } from '../devices/device-store.ts'
import type { Monitor } from '../monitor/monitor.ts'
import type { RunningMonitor, StartMonitorOptions } from '../monitor/start-monitor.ts'
import type { ActionRequest } from '../rules/action-sink.ts'
import type { RunningRules } from '../rules/start-rules.ts'

export interface WatchOptions {
  config: BrokerConfig
  store: DeviceStore
  clock: Clock
  log: Logger
  /**
   * How the monitor reaches the UPSes: `store` watches the store's devices in-process
   * where a MONITOR line names one (serve, local monitor); `remote` only through the
   * network, and the store mirrors what it reads for the rules.
   */
  reach: 'store' | 'remote'
  /** Ports this process serves NUT on (serve), for "is this MONITOR line ours". */
  localPorts?: readonly number[] | undefined
  /** LOGIN count per device on this process's NUT server (the primary's wait). */
  logins?: ((device: string) => number) | undefined
  /** Ask remote nutshell servers for pushed changes (default true). */
  push?: boolean | undefined
  /** Extra monitor options (tests, benchmarks). */
  monitorOptions?: Partial<StartMonitorOptions> | undefined
  /** notify.channels, shared by the monitor and the rules. */
  serviceChannels?: readonly NotifyChannel[] | undefined
  /** Called when the monitor stops itself after shutting down (SHUTDOWNEXIT). */
  onMonitorExit: () => void
  /** Sees every action a rule asks for, before it runs (the metrics' rule firings). */
  onRuleAction?: ((request: ActionRequest) => void) | undefined
}

export interface Watch {
  /** The running monitor (a new one after a monitor reload). */
  readonly monitor: RunningMonitor | undefined
  readonly rules: RunningRules | undefined
  /** upsmon's reload (remote monitor): watch with the new settings, else keep the old. */
  reloadMonitor(next: MonitorConfig): Promise<void>
  reloadRules(): Promise<{ ok: boolean; report: string }>
  /** `-c fsd` / SIGUSR1: the forced-shutdown sequence now. False without a monitor. */
  requestFsd(): boolean
  stop(): Promise<void>
}

export async function startWatch(options: WatchOptions): Promise<Watch> {
  const { config, store, clock, log } = options
  const monitorLog = log.child({ face: 'monitor' })
  let current: RunningMonitor | undefined
  let unfollow: Array<() => void> = []
  let stopped = false

  if (options.reach === 'remote' && config.monitor !== undefined) {
    // One mirror device per MONITOR line, named after its UPS (the first of a name wins).
    for (const m of config.monitor.monitors) {
      if (store.get(m.ups) === undefined) store.add(m.ups, m.system)
    }
  }

  const launch = async (monitorConfig: MonitorConfig): Promise<RunningMonitor> => {
    const { startMonitor } = await import('../monitor/start-monitor.ts')
    return startMonitor({
      config: monitorConfig,
      clock,
      log: monitorLog,
      ...(options.reach === 'store' ? { store } : {}),
      ...(options.localPorts === undefined ? {} : { localPorts: options.localPorts }),
      ...(options.logins === undefined ? {} : { logins: options.logins }),
      ...(options.push === undefined ? {} : { push: options.push }),
      ...(options.serviceChannels === undefined
        ? {}
        : { serviceChannels: options.serviceChannels }),
      ...options.monitorOptions,
      // Followed before its first poll: an early SHUTDOWN still reaches the rules.
      beforeStart: follow,
    })
  }

  let rules: RunningRules | undefined
  const follow = (monitor: Monitor): void => {
    for (const off of unfollow) off()
    const { events } = monitor
    unfollow = [events.on('exit', () => options.onMonitorExit())]
    if (rules !== undefined) {
      const feed = rules
      unfollow.push(
        events.on('notify', (n) => {
          if (n.type === 'SHUTDOWN' || n.type === 'SHUTDOWN_HOSTSYNC') {
            for (const device of store.list()) feed.injectEvent(device.name, n.type)
          }
        }),
      )
    }
    if (options.reach === 'remote') {
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
  }

  // Rules first: they must be listening when the monitor raises its first event.
  if ((config.rules?.files ?? []).length > 0) rules = await startRulesFor(options, () => current)
  if (config.monitor !== undefined) {
    try {
      current = await launch(config.monitor)
    } catch (error) {
      rules?.stop()
      throw error
    }
  }

  let monitorConfig = config.monitor
  return {
    get monitor() {
      return current
    },
    rules,
    async reloadMonitor(next) {
      if (current === undefined || current.monitor.shuttingDown || stopped) return
      await current.stop()
      try {
        current = await launch(next)
        monitorConfig = next
        log.info('configuration reloaded')
      } catch (error) {
        log.error(
          { err: describeError(error) },
          'reload failed; back to the previous configuration',
        )
        if (monitorConfig !== undefined) current = await launch(monitorConfig)
      }
    },
    reloadRules: async () => (rules === undefined ? { ok: true, report: '' } : rules.reload()),
    requestFsd() {
      if (current === undefined) return false
      void current.monitor.requestFsd()
      return true
    },
    async stop() {
      stopped = true
      for (const off of unfollow) off()
      rules?.stop()
      await current?.stop()
    },
  }
}

/** Rules with the one sink; loaded only when a configuration has rules files. */
async function startRulesFor(
  options: WatchOptions,
  monitor: () => RunningMonitor | undefined,
): Promise<RunningRules> {
  const { config, store, clock } = options
  const log = options.log.child({ face: 'rules' })
  const [{ CommandRunner }, { RulesSink }, { startRules }] = await Promise.all([
    import('../actions/run-command.ts'),
    import('../actions/rules-sink.ts'),
    import('../rules/start-rules.ts'),
  ])
  const hasMonitor = config.monitor !== undefined
  const sink = new RulesSink({
    store,
    clock,
    log,
    runner: new CommandRunner({ clock, log }),
    notifyCommand: config.monitor?.notifyCommand,
    notifyWebhooks: config.rules?.notifyWebhooks ?? [],
    ...(options.serviceChannels === undefined ? {} : { serviceChannels: options.serviceChannels }),
    shutdown: hasMonitor ? async () => monitor()?.monitor.requestFsd() : undefined,
    hibernate: hasMonitor ? async () => monitor()?.monitor.requestHibernate() : undefined,
  })
  const observe = options.onRuleAction
  return startRules({
    store,
    clock,
    log,
    sink:
      observe === undefined
        ? sink
        : {
            run(request) {
              observe(request)
              sink.run(request)
            },
          },
    files: config.rules?.files ?? [],
    // The rules see REPLBATT and NOCOMM at the moments the monitor notifies them.
    ...(config.monitor === undefined
      ? {}
      : {
          notify: {
            rbWarnTime: config.monitor.rbWarnTimeMs,
            noCommWarnTime: config.monitor.noCommWarnTimeMs,
          },
        }),
  })
}
