/**
 * The composition root: configuration → store → drivers → faces (NUT server, driver
 * sockets, monitor, rules → actions). Nothing else wires these parts together: every
 * long-running command (`serve`, `upsd`, `monitor`, `demo`) calls `startBroker` in its
 * mode and hands the result to the daemon loop (daemon.ts); so do the end-to-end tests.
 *
 * | mode           | devices                         | NUT server | monitor reaches      |
 * |----------------|---------------------------------|------------|----------------------|
 * | serve          | run (their configured drivers)  | yes        | store, else network  |
 * | upsd           | attached (drivers run by NUT)   | yes        | — (no monitor, rules) |
 * | local-monitor  | attached                        | no         | store                |
 * | remote-monitor | mirrors of the MONITOR lines    | no         | network              |
 */
import type { BrokerConfig, ListenAddress, MonitorConfig } from '../config/types.ts'
import { type Clock, systemClock } from '../core/clock.ts'
import { type Logger, silentLogger } from '../core/log.ts'
import { DeviceStore } from '../devices/device-store.ts'
import type { RunningMonitor, StartMonitorOptions } from '../monitor/start-monitor.ts'
import type { RunningRules } from '../rules/start-rules.ts'
import type { DriverSocketServer } from '../server/driver-socket/server.ts'
import { createNutServer, type NutServer } from '../server/nut-server.ts'
import { DeviceSet } from './devices.ts'
import type { ApcupsdFace } from './faces/apcupsd-nis.ts'
import type { PrometheusFace } from './faces/prometheus.ts'
import type { WebFace } from './faces/web.ts'
import { startupSummary } from './summary.ts'
import { startWatch, type Watch } from './watch.ts'

export type BrokerMode = 'serve' | 'upsd' | 'local-monitor' | 'remote-monitor'

export interface BrokerOptions {
  /** Default `serve`. */
  mode?: BrokerMode
  clock?: Clock
  log?: Logger
  /**
   * Expose every device as a NUT driver state socket `<statePath>/<driverName>-<ups>` so a
   * real upsd with `driver = <driverName>` serves it (docs/drivers.md). Off by default.
   */
  driverSockets?: { statePath: string; driverName?: string } | undefined
  /** Remote monitor: ask nutshell servers for pushed changes (default true). */
  push?: boolean
  /** Extra monitor options (tests, benchmarks). */
  monitorOptions?: Partial<StartMonitorOptions>
  /** `helper-pipe:FD`: power requests and NOTIFYCMD go to the privileged helper. */
  powerRoad?: string | undefined
}

export interface ReloadOutcome {
  ok: boolean
  report: string
}

export interface Broker {
  readonly mode: BrokerMode
  readonly store: DeviceStore
  readonly server: NutServer | undefined
  /** The running monitor (a new one after a remote monitor's reload). */
  readonly monitor: RunningMonitor | undefined
  readonly rules: RunningRules | undefined
  /** `integrations.prometheus`: its handler (for the web face) and own listener. */
  readonly prometheus: PrometheusFace | undefined
  /** `integrations.apcupsd`: apcupsd's NIS face. */
  readonly apcupsd: ApcupsdFace | undefined
  /** The web face (`web:` configured), else undefined. */
  readonly web: WebFace | undefined
  addresses(): ListenAddress[]
  /**
   * SIGHUP. serve: users and rules (devices and listeners stay as they are); upsd: the
   * three files as upsd re-reads them (LISTEN excepted); remote monitor: the monitor's
   * settings and the rules; local monitor: nothing (restart it).
   */
  reload(config: BrokerConfig): Promise<ReloadOutcome>
  /**
   * Logs the startup summary. The daemon loop calls it once its signal handlers are in
   * place, so whoever waits for that line may signal the process at once.
   */
  announce(): void
  /** SIGUSR1 / `-c fsd`: the monitor's forced shutdown now. False without a monitor. */
  requestFsd(): boolean
  /** Called when a monitor mode's work is done (the monitor exited after shutting down). */
  onDone(listener: () => void): void
  /** Stops everything and logs one line saying so (and why, when given). */
  stop(reason?: string): Promise<void>
}

export async function startBroker(
  config: BrokerConfig,
  options: BrokerOptions = {},
): Promise<Broker> {
  const mode = options.mode ?? 'serve'
  const clock = options.clock ?? systemClock
  const log = options.log ?? silentLogger()
  const store = new DeviceStore()
  store.events.onListenerError = (error) =>
    log.error({ err: error }, 'a device event listener failed')
  const doneListeners: Array<() => void> = []

  const devices = new DeviceSet({
    store,
    wiring: mode === 'serve' ? 'run' : 'attach',
    clock,
    log,
  })
  if (mode !== 'remote-monitor') await devices.sync(config)
  // The local monitor starts once each driver socket was tried: a driver that is not
  // running is reported as such first, not as a failed poll.
  if (mode === 'local-monitor') await devices.firstAttempts()

  let server: NutServer | undefined
  let driverSockets: DriverSocketServer | undefined
  let watch: Watch | undefined
  let prometheus: PrometheusFace | undefined
  let apcupsd: ApcupsdFace | undefined
  let web: WebFace | undefined
  const faces: Array<{ stop(): Promise<void> }> = []
  const stopParts = async (): Promise<void> => {
    for (const face of faces.splice(0).reverse()) await face.stop()
    await apcupsd?.stop()
    await prometheus?.stop()
    await web?.stop()
    await watch?.stop()
    await server?.stop()
    await driverSockets?.stop()
    await devices.stop()
  }
  try {
    if (mode === 'serve' || mode === 'upsd') {
      server = createNutServer({
        store,
        server: config.server,
        users: config.users,
        clock,
        log: log.child({ face: 'nut-server' }),
      })
      await server.start()
    }
    if (options.driverSockets !== undefined) {
      const { DriverSocketServer } = await import('../server/driver-socket/server.ts')
      driverSockets = new DriverSocketServer({
        store,
        statePath: options.driverSockets.statePath,
        ...(options.driverSockets.driverName === undefined
          ? {}
          : { driverName: options.driverSockets.driverName }),
        log: log.child({ face: 'driver-sockets' }),
      })
      await driverSockets.start()
    }
    // Before the rules and the monitor, so that their firings and events are counted.
    const integrations = mode === 'serve' ? config.integrations : undefined
    if (integrations?.prometheus !== undefined) {
      const { startPrometheusFace } = await import('./faces/prometheus.ts')
      prometheus = await startPrometheusFace({
        settings: integrations.prometheus,
        store,
        log,
        server,
      })
    }
    const metricsFace = prometheus
    // MQTT and mDNS run in the monitor modes too (mDNS advertises only a served NUT port).
    const everywhere = mode === 'upsd' ? undefined : config.integrations
    if (everywhere?.mqtt !== undefined) {
      const { startMqttFace } = await import('./faces/mqtt.ts')
      const face = { config: everywhere.mqtt, configDir: config.configDir, store, clock, log }
      faces.push(startMqttFace(face))
    }
    if (everywhere?.mdns?.enabled === true) {
      const { startMdnsFace } = await import('./faces/mdns.ts')
      const nutPort = server?.addresses()[0]?.port
      faces.push(await startMdnsFace({ config: everywhere.mdns, nutPort, log }))
    }
    // notify.channels: built once, shared by the monitor and the rules (one queue each).
    const serviceChannels =
      mode !== 'upsd' && (config.notify?.channels?.length ?? 0) > 0 && config.notify !== undefined
        ? await buildServiceChannels(config, clock, log)
        : undefined
    const plan = watched(config, mode)
    const road = options.powerRoad
    const monitorOptions =
      road === undefined
        ? options.monitorOptions
        : {
            ...(await import('../actions/helper-pipe-road.ts')).powerRoadFromSpec(road, log),
            ...options.monitorOptions,
          }
    if (plan.monitor !== undefined || (plan.rules?.files.length ?? 0) > 0) {
      const nut = server
      watch = await startWatch({
        config: plan,
        store,
        clock,
        log,
        reach: mode === 'remote-monitor' ? 'remote' : 'store',
        // The in-process monitor is not a NUT client: every LOGIN it sees is another host's.
        localPorts: nut?.addresses().map((a) => a.port),
        logins: nut === undefined ? undefined : (device) => nut.loginCount(device),
        push: options.push,
        serviceChannels,
        monitorOptions,
        onRuleAction:
          metricsFace === undefined ? undefined : (request) => metricsFace.ruleAction(request),
        onMonitorExit: () => {
          if (mode === 'local-monitor' || mode === 'remote-monitor') {
            for (const listener of doneListeners) listener()
          }
        },
      })
    }
    prometheus?.attachMonitor(watch?.monitor?.monitor)
    if (integrations?.apcupsd !== undefined) {
      const { startApcupsdFace } = await import('./faces/apcupsd-nis.ts')
      apcupsd = await startApcupsdFace({
        settings: integrations.apcupsd,
        store,
        clock,
        log,
        stats: prometheus?.metrics.face('apcupsd-nis'),
      })
    }
    if (config.web !== undefined) {
      const { startWebFace } = await import('./faces/web.ts')
      const watching = watch
      const nut = server
      web = await startWebFace({
        config,
        store,
        clock,
        log,
        monitor: () => watching?.monitor,
        rules: () => watching?.rules,
        nutServer: () => nut,
      })
      // Prometheus on the web listener too: scrapers expect no login unless asked for.
      const role = integrations?.prometheus?.auth === true ? 'viewer' : 'public'
      if (metricsFace !== undefined)
        for (const path of metricsFace.handler.paths)
          web.mountHandler(path, metricsFace.handler, { role })
    }
  } catch (error) {
    await stopParts()
    throw error
  }

  const summary = startupSummary({ mode, config: watched(config, mode), server, store, watch })

  let stopping: Promise<void> | undefined
  return {
    mode,
    store,
    server,
    get monitor() {
      return watch?.monitor
    },
    rules: watch?.rules,
    prometheus,
    apcupsd,
    web,
    addresses: () => server?.addresses() ?? [],
    async reload(next) {
      switch (mode) {
        case 'serve': {
          server?.setUsers(next.users)
          web?.reload(next)
          const outcome = (await watch?.reloadRules()) ?? { ok: true, report: '' }
          if (outcome.ok) log.info('reloaded users and rules')
          return outcome
        }
        case 'upsd':
          server?.setUsers(next.users)
          await devices.sync(next)
          log.info({ devices: next.devices.length, users: next.users.length }, 'reloaded')
          return { ok: true, report: '' }
        case 'local-monitor':
          log.warn('reload is not supported with --local: restart the monitor')
          return { ok: true, report: '' }
        case 'remote-monitor': {
          const monitor: MonitorConfig | undefined = next.monitor
          if (monitor !== undefined) await watch?.reloadMonitor(monitor)
          return (await watch?.reloadRules()) ?? { ok: true, report: '' }
        }
      }
    },
    announce() {
      log.info(summary.fields, summary.text)
    },
    requestFsd: () => watch?.requestFsd() ?? false,
    onDone(listener) {
      doneListeners.push(listener)
    },
    stop(reason) {
      stopping ??= stopParts().then(() => {
        log.info({ mode, ...(reason === undefined ? {} : { reason }) }, `nutshell ${mode} stopped`)
      })
      return stopping
    },
  }
}

async function buildServiceChannels(config: BrokerConfig, clock: Clock, log: Logger) {
  const [{ serviceChannels }, { resolveConfigPath }] = await Promise.all([
    import('../actions/channels/index.ts'),
    import('../config/from-nut.ts'),
  ])
  if (config.notify === undefined) return undefined
  return serviceChannels(config.notify, {
    clock,
    log,
    resolvePath: (path) => resolveConfigPath(config.configDir, path),
  })
}

/**
 * What the mode runs of a configuration: upsd is the strict drop-in, so an upsmon.conf in
 * its directory is upsmon's, not its own, and it runs no rules.
 */
function watched(config: BrokerConfig, mode: BrokerMode): BrokerConfig {
  if (mode !== 'upsd') return config
  const { monitor: _monitor, rules: _rules, ...rest } = config
  return rest
}
