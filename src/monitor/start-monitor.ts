import { Notifier, type NotifierOptions } from '../actions/notifier.ts'
import type { NotifyChannel } from '../actions/notify-channel.ts'
import { CommandPowerRoad, clearPowerDownFlag, type PowerRoad } from '../actions/power-road.ts'
import { CommandRunner } from '../actions/run-command.ts'
import type { MonitorConfig, MonitoredUps } from '../config/types.ts'
import { type Clock, systemClock } from '../core/clock.ts'
import { describeSystemError, NutshellError } from '../core/errors.ts'
import type { Logger } from '../core/log.ts'
import type { DeviceStore } from '../devices/device-store.ts'
import { Monitor } from './monitor.ts'
import { RemoteLink } from './remote-link.ts'
import { StoreLink } from './store-link.ts'
import { linkTls, readCertPath } from './tls-settings.ts'
import type { UpsLink } from './ups-link.ts'

/**
 * Builds and starts a monitor from a MonitorConfig. MONITOR entries that name a device
 * of `store` on this machine are watched in-process through store events (no network);
 * the others through the network (RemoteLink: polling, or pushed by a nutshell server).
 *
 * ```ts
 * const running = await startMonitor({ config: broker.monitor, store, log })
 * // ... later
 * await running.stop()
 * ```
 */
export interface StartMonitorOptions {
  config: MonitorConfig
  log: Logger
  clock?: Clock
  /** The broker's own devices, watched in-process. */
  store?: DeviceStore
  /**
   * Ports this process serves NUT on: `ups@localhost:<port>` is in-process only when the
   * port is one of these. Without it any localhost MONITOR line naming a store device is.
   */
  localPorts?: readonly number[]
  /** LOGIN count per device on this process's NUT server (the primary's wait). */
  logins?: (device: string) => number
  /** Replaces the in-process shutdown port (privileged helper, tests). */
  shutdownPort?: PowerRoad
  /** Replaces the notify channels (under the privileged helper: notify frames). */
  notifyChannels?: NotifyChannel[]
  /** Replaces how links are made (tests). */
  linkFor?: (monitor: MonitoredUps) => UpsLink | undefined
  syslog?: NotifierOptions['syslog']
  wall?: NotifierOptions['wall']
  /** notify.channels (ntfy, e-mail, ...), shared with the rules. */
  serviceChannels?: NotifierOptions['serviceChannels']
  /** Ask remote nutshell servers for pushed changes (default true). */
  push?: boolean
  /** Limits of the NOTIFYCMD runner (defaults: 4 at once, 30 s each). */
  notifyLimits?: { maxConcurrent?: number; timeoutMs?: number }
  /** Called when a command (NOTIFYCMD, SHUTDOWNCMD, ...) has been started (benchmarks). */
  onCommandStart?: (label: string) => void
  /** Called before the first poll, so listeners miss none of the monitor's events. */
  beforeStart?: (monitor: Monitor) => void
}

export interface RunningMonitor {
  monitor: Monitor
  /** The runner NOTIFYCMD goes through (tests wait for it to be idle). */
  notifyRunner: CommandRunner
  notifier: Notifier
  stop(): Promise<void>
}

const localHosts = new Set(['localhost', '127.0.0.1', '::1', '[::1]'])

export function isInProcess(
  monitor: MonitoredUps,
  store: DeviceStore | undefined,
  localPorts: readonly number[] | undefined,
): boolean {
  if (store === undefined || store.get(monitor.ups) === undefined) return false
  if (!localHosts.has(monitor.host.toLowerCase())) return false
  return localPorts === undefined || localPorts.includes(monitor.port)
}

export async function startMonitor(options: StartMonitorOptions): Promise<RunningMonitor> {
  const { config, log } = options
  const clock = options.clock ?? systemClock
  const onStart = (request: { label?: string }) => options.onCommandStart?.(request.label ?? '')
  const notifyRunner = new CommandRunner({ clock, log, onStart, ...options.notifyLimits })
  // SHUTDOWNCMD never waits behind notifications.
  const shutdownRunner = new CommandRunner({ clock, log, maxConcurrent: 1, onStart })
  const notifier = new Notifier({
    log,
    runner: notifyRunner,
    notifyCommand: config.notifyCommand,
    notifyFlags: config.notifyFlags,
    notifyMessages: config.notifyMessages,
    ...(options.syslog === undefined ? {} : { syslog: options.syslog }),
    ...(options.wall === undefined ? {} : { wall: options.wall }),
    ...(options.serviceChannels === undefined ? {} : { serviceChannels: options.serviceChannels }),
    ...(options.notifyChannels === undefined ? {} : { channels: options.notifyChannels }),
  })
  if (config.powerDownFlag !== undefined && (await clearPowerDownFlag(config.powerDownFlag))) {
    log.info({ path: config.powerDownFlag }, 'removed a left-over power-down flag')
  }
  const opened =
    options.shutdownPort === undefined && config.powerRoad !== undefined
      ? await (await import('../actions/roads/select.ts')).openPowerRoad(config.powerRoad, {
          log,
          clock,
          powerDownFlag: config.powerDownFlag,
        })
      : undefined
  const shutdown =
    options.shutdownPort ??
    opened?.road ??
    new CommandPowerRoad({
      log,
      runner: shutdownRunner,
      powerDownFlag: config.powerDownFlag,
      shutdownCommand: config.shutdownCommand,
      hibernateCommand: config.hibernateCommand,
    })
  const certPath = config.tls?.certPath
  const ca =
    certPath === undefined
      ? undefined
      : await readCertPath(certPath).catch((error: unknown) => {
          throw new NutshellError(
            'NS_CONFIG_READ',
            `cannot read CERTPATH ${certPath}: ${describeSystemError(error)}`,
            { cause: error },
          )
        })
  if (config.tls?.certIdent !== undefined) {
    log.warn('CERTIDENT (an NSS client certificate) is not supported; ignored')
  }
  const links = config.monitors.map((m): UpsLink => {
    const custom = options.linkFor?.(m)
    if (custom !== undefined) return custom
    if (options.store !== undefined && isInProcess(m, options.store, options.localPorts)) {
      const linkOptions = { store: options.store, device: m.ups }
      return new StoreLink(
        options.logins === undefined ? linkOptions : { ...linkOptions, logins: options.logins },
      )
    }
    return new RemoteLink({
      monitor: m,
      clock,
      log,
      push: options.push ?? true,
      tls: linkTls(m, config.tls, ca),
    })
  })
  if (
    config.shutdownCommand === undefined &&
    opened === undefined &&
    options.shutdownPort === undefined
  ) {
    log.warn('no SHUTDOWNCMD configured: the monitor cannot shut this machine down')
  }
  const monitor = new Monitor({ config, links, clock, log, notifier, shutdown })
  options.beforeStart?.(monitor)
  monitor.start()
  return {
    monitor,
    notifyRunner,
    notifier,
    stop: async () => {
      await monitor.stop()
      await opened?.close()
    },
  }
}
