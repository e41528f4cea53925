import type { Notification, Notifier } from '../actions/notifier.ts'
import type { PowerRoad } from '../actions/power-road.ts'
import type { MonitorConfig, MonitoredUps } from '../config/types.ts'
import { type Clock, sleep, type TimerHandle } from '../core/clock.ts'
import { describeError, NutshellError } from '../core/errors.ts'
import type { Logger } from '../core/log.ts'
import { TypedEmitter } from '../core/typed-emitter.ts'
import {
  applyComm,
  applyStatus,
  initialNotifyState,
  type NotifyEvent,
  type NotifyOptions,
  type NotifyState,
  tick,
} from '../devices/notify-events.ts'
import { type CriticalReason, criticalReason, suppliesSum } from './critical.ts'
import type { Observation, UpsLink } from './ups-link.ts'

/**
 * The monitor core: upsmon's semantics (reference 3.3-3.5) on top of any mix of links.
 * It polls every link each POLLFREQ (POLLFREQALERT while any UPS is on battery), reacts at
 * once when a pushing link reports a change, applies the critical rule and MINSUPPLIES
 * after every update, and runs the forced-shutdown sequence. All timing is monotonic
 * through the injected clock, so a wall-clock jump changes nothing.
 */
export interface MonitorOptions {
  config: MonitorConfig
  /** One link per entry of `config.monitors`, same order. */
  links: readonly UpsLink[]
  clock: Clock
  log: Logger
  notifier: Notifier
  shutdown: PowerRoad
  /** NUT master's ALARMCRITICAL (default true). */
  alarmCritical?: boolean
}

export interface MonitorEvents extends Record<string, unknown> {
  notify: Notification
  /** The forced-shutdown sequence started. */
  'shutdown-started': { reason: string }
  /** SHUTDOWNCMD is about to run. */
  'shutdown-command': undefined
  /** The monitor stopped itself after shutting down (SHUTDOWNEXIT). */
  exit: undefined
  /** Every reading of a UPS: its status, or undefined when it could not be read. */
  observation: { system: string; ups: string; status: string | undefined }
}

interface UpsRecord {
  config: MonitoredUps
  link: UpsLink
  notify: NotifyState
  contacted: boolean
  offSince: number | undefined
  obLbSince: number | undefined
  unsubscribe: () => void
}

/** Snapshot of one UPS for status displays and tests. */
export interface UpsStatusView {
  system: string
  role: 'primary' | 'secondary'
  powerValue: number
  status: string | undefined
  comm: NotifyState['comm']
  critical: CriticalReason | undefined
}

export class Monitor {
  readonly events = new TypedEmitter<MonitorEvents>()
  private readonly options: MonitorOptions
  private readonly upses: UpsRecord[]
  private readonly notifyOptions: NotifyOptions
  private timer: TimerHandle | undefined
  private stopped = false
  private started = false
  private shutdownStarted = false

  constructor(options: MonitorOptions) {
    const { config, links, clock } = options
    if (links.length !== config.monitors.length) {
      throw new NutshellError('NS_INTERNAL', 'one link per monitored UPS is needed')
    }
    const total = config.monitors.reduce((sum, m) => sum + m.powerValue, 0)
    if (total < config.minSupplies) {
      throw new NutshellError(
        'NS_CONFIG_INVALID',
        `the power values of the monitored UPSes add up to ${total}, less than MINSUPPLIES ${config.minSupplies}: this would shut down at once`,
      )
    }
    this.options = options
    this.notifyOptions = {
      rbWarnTime: config.rbWarnTimeMs,
      noCommWarnTime: config.noCommWarnTimeMs,
    }
    const now = clock.now()
    this.upses = config.monitors.map((m, i) => ({
      config: m,
      link: links[i] as UpsLink,
      notify: initialNotifyState(now),
      contacted: false,
      offSince: undefined,
      obLbSince: undefined,
      unsubscribe: () => {},
    }))
  }

  /** Polls every UPS at once, then keeps the loop going. */
  start(): void {
    if (this.started) return
    this.started = true
    for (const ups of this.upses) {
      ups.unsubscribe = ups.link.subscribe(() => this.onPush(ups))
    }
    void this.loop()
  }

  /** Stops polling and closes every link (a remote server sees the logins go). */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.timer?.cancel()
    for (const ups of this.upses) ups.unsubscribe()
    await Promise.all(this.upses.map((u) => u.link.close().catch(() => undefined)))
  }

  get shuttingDown(): boolean {
    return this.shutdownStarted
  }

  view(): UpsStatusView[] {
    const now = this.options.clock.now()
    return this.upses.map((u) => ({
      system: u.config.system,
      role: u.config.role,
      powerValue: u.config.powerValue,
      status: u.notify.status,
      comm: u.notify.comm,
      critical: this.reason(u, now),
    }))
  }

  /**
   * Hibernate instead of shutting down (the rules' `hibernate`): NUT master's
   * SUSPEND_STARTING before, SUSPEND_FINISHED once the hibernate command has returned (for
   * a real suspend to disk: after the machine woke up). Not while a shutdown runs.
   */
  async requestHibernate(): Promise<void> {
    if (this.shutdownStarted || this.stopped) return
    this.events.emit('notify', this.options.notifier.notify('SUSPEND_STARTING', ''))
    const done = await this.options.shutdown.hibernate()
    if (done) this.events.emit('notify', this.options.notifier.notify('SUSPEND_FINISHED', ''))
  }

  /** `upsmon -c fsd`: the forced-shutdown sequence, now, whatever the UPSes say. */
  requestFsd(): Promise<void> {
    return this.forceShutdown('forced shutdown requested')
  }

  private async loop(): Promise<void> {
    if (this.stopped) return
    try {
      await Promise.all(this.upses.map((u) => this.poll(u)))
      if (this.stopped) return
      const now = this.options.clock.now()
      for (const ups of this.upses) {
        const due = tick(ups.notify, now, this.notifyOptions)
        ups.notify = due.state
        this.raise(ups, due.events, undefined)
      }
      this.recalc()
    } catch (error) {
      // Never let one bad pass end the watch.
      this.options.log.error({ err: describeError(error) }, 'monitor pass failed')
    }
    if (this.stopped) return
    const { pollFreqMs, pollFreqAlertMs } = this.options.config
    const alert = this.upses.some((u) => u.notify.line === 'onbatt')
    this.timer = this.options.clock.setTimeout(
      () => void this.loop(),
      alert ? pollFreqAlertMs : pollFreqMs,
    )
  }

  private onPush(ups: UpsRecord): void {
    if (this.stopped) return
    void this.poll(ups).then(() => this.recalc())
  }

  private async poll(ups: UpsRecord): Promise<void> {
    let observation: Observation
    try {
      observation = await ups.link.read()
    } catch (error) {
      observation = { ok: false, reason: describeError(error) }
    }
    // Like upsmon, stop watching once the shutdown sequence runs: no more notifications.
    if (this.stopped || this.shutdownStarted) return
    this.apply(ups, observation)
  }

  private apply(ups: UpsRecord, observation: Observation): void {
    const now = this.options.clock.now()
    this.events.emit('observation', {
      system: ups.config.system,
      ups: ups.config.ups,
      status: observation.ok ? observation.status : undefined,
    })
    if (observation.ok && observation.status.trim().length > 0) {
      const result = applyStatus(ups.notify, observation.status, now, this.notifyOptions)
      ups.notify = result.state
      ups.contacted = true
      const s = result.state
      ups.offSince = s.flags.OFF ? (ups.offSince ?? now) : undefined
      ups.obLbSince = s.line === 'onbatt' && s.lowBattery ? (ups.obLbSince ?? now) : undefined
      this.raise(ups, result.events, observation.alarm)
    } else {
      // upsmon: an empty status is "gone", as a failed poll.
      const result = applyComm(ups.notify, false, now, this.notifyOptions)
      if (result.state.comm !== ups.notify.comm) {
        this.options.log.warn(
          { ups: ups.config.system, reason: observation.ok ? 'empty status' : observation.reason },
          'poll failed',
        )
      }
      ups.notify = result.state
      this.raise(ups, result.events, undefined)
    }
  }

  private raise(ups: UpsRecord, events: readonly NotifyEvent[], alarm: string | undefined): void {
    for (const type of events) {
      const notification = this.options.notifier.notify(type, ups.config.system, alarm ?? '')
      this.events.emit('notify', notification)
    }
  }

  private reason(ups: UpsRecord, now: number): CriticalReason | undefined {
    const c = this.options.config
    return criticalReason(
      {
        notify: ups.notify,
        role: ups.config.role,
        contacted: ups.contacted,
        offSince: ups.offSince,
        obLbSince: ups.obLbSince,
      },
      now,
      {
        deadTimeMs: c.deadTimeMs,
        hostSyncMs: c.hostSyncMs,
        offDurationMs: c.offDurationMs,
        overDurationMs: c.overDurationMs,
        obLbDurationMs: c.obLbDurationMs,
        alarmCritical: this.options.alarmCritical ?? c.alarmCritical ?? true,
      },
    )
  }

  /** After every update: DEADTIME promotion, the critical rule, MINSUPPLIES. */
  private recalc(): void {
    if (this.stopped || this.shutdownStarted) return
    const now = this.options.clock.now()
    const { deadTimeMs, minSupplies } = this.options.config
    const states = this.upses.map((ups) => {
      const n = ups.notify
      if (n.line === 'onbatt' && !n.lowBattery && now - n.lastSuccess > deadTimeMs) {
        // Last seen on battery and silent too long: assume the battery is low now.
        this.options.log.warn({ ups: ups.config.system }, 'on battery and silent past DEADTIME')
        ups.notify = { ...n, lowBattery: true }
        ups.obLbSince ??= now
      }
      const reason = this.reason(ups, now)
      return { ups, reason, powerValue: ups.config.powerValue, critical: reason !== undefined }
    })
    const sum = suppliesSum(states)
    if (sum >= minSupplies) return
    // `defaultPolicy: false`: rules decide when to shut down (requestFsd); we only notify.
    if (!this.options.config.defaultPolicy) return
    const why = states
      .filter((s) => s.critical)
      .map((s) => `${s.ups.config.system}: ${s.reason}`)
      .join(', ')
    void this.forceShutdown(`supplies ${sum} below MINSUPPLIES ${minSupplies} (${why})`)
  }

  private async forceShutdown(reason: string): Promise<void> {
    if (this.shutdownStarted) return
    this.shutdownStarted = true
    const { log, clock, config } = this.options
    log.warn({ reason }, 'forced shutdown')
    this.events.emit('shutdown-started', { reason })
    const primaries = this.upses.filter((u) => u.config.role === 'primary')
    for (const ups of primaries) {
      try {
        await ups.link.setFsd()
      } catch (error) {
        log.error({ ups: ups.config.system, err: describeError(error) }, 'cannot set FSD')
      }
    }
    if (primaries.length > 0) await this.waitForSecondaries(primaries)
    const shutdown = this.options.notifier.notify('SHUTDOWN', '')
    this.events.emit('notify', shutdown)
    if (config.finalDelayMs > 0) await sleep(clock, config.finalDelayMs)
    await this.options.shutdown.writePowerDownFlag()
    this.events.emit('shutdown-command', undefined)
    const command = this.options.shutdown.shutdown()
    const exit = config.shutdownExit
    if (exit === true) {
      // upsmon's child exits here without LOGOUT: the primary sees NUMLOGINS drop.
      await Promise.all([command, this.stop()])
      this.events.emit('exit', undefined)
      return
    }
    await command
    if (typeof exit === 'number' && exit >= 0) {
      await sleep(clock, exit)
      await this.stop()
      this.events.emit('exit', undefined)
    }
  }

  /** Primary: wait until no other monitor is logged in, or HOSTSYNC ends. */
  private async waitForSecondaries(primaries: readonly UpsRecord[]): Promise<void> {
    const { clock, config, log } = this.options
    const deadline = clock.now() + config.hostSyncMs
    let notified = false
    for (;;) {
      const counts = await Promise.all(primaries.map((u) => u.link.otherLogins().catch(() => 0)))
      if (Math.max(0, ...counts) <= 0) return
      if (!notified) {
        notified = true
        this.events.emit('notify', this.options.notifier.notify('SHUTDOWN_HOSTSYNC', ''))
      }
      if (clock.now() >= deadline) {
        log.warn('host sync timer expired, forcing shutdown')
        return
      }
      await sleep(clock, 250)
    }
  }
}
