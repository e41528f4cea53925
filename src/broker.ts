/**
 * The composition root: configuration → store → drivers → faces (NUT server, monitor,
 * rules). Nothing else wires these parts together; `nutshell serve` and the demo call
 * `startBroker`, and so do the end-to-end tests.
 */

import type { BrokerConfig, ListenAddress } from './config/types.ts'
import { type Clock, systemClock } from './core/clock.ts'
import { describeError } from './core/errors.ts'
import { type Logger, silentLogger } from './core/log.ts'
import { DeviceStore } from './devices/device-store.ts'
import type { Driver, DriverContext } from './drivers/driver.ts'
import { createDriver } from './drivers/registry.ts'
import type { RunningMonitor } from './monitor/start-monitor.ts'
import type { RunningRules } from './rules/start-rules.ts'
import type { DriverSocketServer } from './server/driver-socket/server.ts'
import { createNutServer, type NutServer } from './server/nut-server.ts'

export interface BrokerOptions {
  clock?: Clock
  log?: Logger
  /** Serve no NUT network port (monitor-only uses). */
  noServer?: boolean
  /** Extra options for the NUT server (extensions such as the push command family). */
  serverCommands?: Parameters<typeof createNutServer>[0]['commands']
  /**
   * Expose every device as a NUT driver state socket `<statePath>/<driverName>-<ups>` so a
   * real upsd with `driver = <driverName>` serves it (docs/drivers.md). Off by default.
   */
  driverSockets?: { statePath: string; driverName?: string }
}

export interface Broker {
  readonly store: DeviceStore
  readonly server: NutServer | undefined
  readonly monitor: RunningMonitor | undefined
  readonly rules: RunningRules | undefined
  addresses(): ListenAddress[]
  /** Re-reads users and rules (SIGHUP); devices and listeners stay as they are. */
  reload(config: BrokerConfig): Promise<{ ok: boolean; report: string }>
  stop(): Promise<void>
}

export async function startBroker(
  config: BrokerConfig,
  options: BrokerOptions = {},
): Promise<Broker> {
  const clock = options.clock ?? systemClock
  const log = options.log ?? silentLogger()
  const store = new DeviceStore()
  store.events.onListenerError = (error) =>
    log.error({ err: error }, 'a device event listener failed')

  const drivers: Driver[] = []
  const context: DriverContext = {
    clock,
    log,
    configDir: config.configDir,
    statePath: config.server.statePath,
    maxAgeMs: config.server.maxAgeMs,
    nutDrivers: {
      ...(config.driverDefaults?.driverPath === undefined
        ? {}
        : { driverPath: config.driverDefaults.driverPath }),
      ...(config.driverDefaults?.user === undefined ? {} : { user: config.driverDefaults.user }),
    },
  }
  for (const deviceConfig of config.devices) {
    const device = store.add(deviceConfig.name, deviceConfig.description)
    const deviceLog = log.child({ device: deviceConfig.name })
    drivers.push(createDriver(deviceConfig, device, { ...context, log: deviceLog }))
  }
  // A driver that cannot start leaves its device "lost"; the broker and the others go on.
  await Promise.all(
    drivers.map((driver, index) =>
      driver.start().catch((error: unknown) => {
        log.error(
          { device: config.devices[index]?.name, err: describeError(error) },
          'driver failed to start',
        )
      }),
    ),
  )

  let server: NutServer | undefined
  if (options.noServer !== true) {
    server = createNutServer({
      store,
      server: config.server,
      users: config.users,
      clock,
      log: log.child({ face: 'nut-server' }),
      ...(options.serverCommands === undefined ? {} : { commands: options.serverCommands }),
    })
    try {
      await server.start()
    } catch (error) {
      await Promise.all(drivers.map((d) => d.stop().catch(() => undefined)))
      throw error
    }
  }

  let driverSockets: DriverSocketServer | undefined
  if (options.driverSockets !== undefined) {
    const { DriverSocketServer } = await import('./server/driver-socket/server.ts')
    driverSockets = new DriverSocketServer({
      store,
      statePath: options.driverSockets.statePath,
      ...(options.driverSockets.driverName === undefined
        ? {}
        : { driverName: options.driverSockets.driverName }),
      log: log.child({ face: 'driver-sockets' }),
    })
    try {
      await driverSockets.start()
    } catch (error) {
      await server?.stop()
      await Promise.all(drivers.map((d) => d.stop().catch(() => undefined)))
      throw error
    }
  }

  let monitor: RunningMonitor | undefined
  if (config.monitor !== undefined) {
    const { startMonitor } = await import('./monitor/start-monitor.ts')
    monitor = await startMonitor({
      config: config.monitor,
      store,
      clock,
      log: log.child({ face: 'monitor' }),
      localPorts: (server?.addresses() ?? []).map((a) => a.port),
      // The in-process monitor is not a NUT client: every LOGIN it sees is another host's.
      ...(server === undefined ? {} : { logins: (device: string) => server.loginCount(device) }),
    })
  }

  let rules: RunningRules | undefined
  const ruleFiles = config.rules?.files ?? []
  if (ruleFiles.length > 0) {
    // Loaded only when used: a broker without rules or monitor stays small in memory.
    const [{ CommandRunner }, { RulesSink }, { startRules }] = await Promise.all([
      import('./actions/run-command.ts'),
      import('./rules-sink.ts'),
      import('./rules/start-rules.ts'),
    ])
    const runner = new CommandRunner({ clock, log: log.child({ face: 'rules' }) })
    const sink = new RulesSink({
      store,
      clock,
      log: log.child({ face: 'rules' }),
      runner,
      notifyCommand: config.monitor?.notifyCommand,
      notifyWebhooks: config.rules?.notifyWebhooks ?? [],
      shutdown: monitor === undefined ? undefined : () => monitor.monitor.requestFsd(),
      hibernate: monitor === undefined ? undefined : () => monitor.monitor.requestHibernate(),
    })
    try {
      rules = await startRules({
        store,
        clock,
        log: log.child({ face: 'rules' }),
        sink,
        files: ruleFiles,
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
    } catch (error) {
      await stopAll()
      throw error
    }
  }

  async function stopAll(): Promise<void> {
    rules?.stop()
    await monitor?.stop()
    await server?.stop()
    await driverSockets?.stop()
    await Promise.all(drivers.map((d) => d.stop().catch(() => undefined)))
  }

  return {
    store,
    server,
    monitor,
    rules,
    addresses: () => server?.addresses() ?? [],
    async reload(next) {
      server?.setUsers(next.users)
      return rules === undefined ? { ok: true, report: '' } : rules.reload()
    },
    stop: stopAll,
  }
}
