/**
 * `driver: apcupsd`: a device read from a real apcupsd's Network Information Server
 * (`port: host[:3551]`), so apcupsd sites join the NUT ecosystem through nutshell. Polls
 * every `pollinterval` seconds (device option, else driverDefaults, else 5 s), maps the
 * report as NUT's own apcupsd-ups driver does (protocol/apcupsd-nis/report.ts), and marks
 * the device stale on the first failed poll and lost after three, with the reason logged
 * once per outage; failed polls back off up to 30 s.
 *
 * An apcupsd master that is shutting down (STATFLAG 0x200) latches FSD on the device:
 * that is NUT's word for the same signal, so upsmon secondaries shut down too.
 */
import type { DeviceConfig } from '../../config/types.ts'
import type { TimerHandle } from '../../core/clock.ts'
import { NutshellError } from '../../core/errors.ts'
import { bindOnce, type Logger } from '../../core/log.ts'
import type { Device } from '../../devices/device.ts'
import { nutFromReport, parseStatusReport } from '../../protocol/apcupsd-nis/report.ts'
import type { Driver, DriverContext } from '../driver.ts'
import { fetchStatus, type NisTarget, parseNisTarget } from './nis-fetch.ts'

const defaultPollMs = 5000
const maxBackoffMs = 30_000
const failuresBeforeLost = 3

export class ApcupsdDriver implements Driver {
  private readonly config: DeviceConfig
  private readonly device: Device
  private readonly context: DriverContext
  private readonly log: Logger
  private readonly target: NisTarget
  private readonly pollMs: number
  private timer: TimerHandle | undefined
  private stopped = false
  private failures = 0
  private owned = new Set<string>()

  constructor(config: DeviceConfig, device: Device, context: DriverContext) {
    this.config = config
    this.device = device
    this.context = context
    this.log = bindOnce(context.log, { device: device.name, driver: 'apcupsd' })
    const target = parseNisTarget(config.port)
    if (target === undefined)
      throw new NutshellError(
        'NS_CONFIG_INVALID',
        `device ${config.name}: port '${config.port}' is not host[:port] of an apcupsd NIS`,
      )
    this.target = target
    const option = Number(config.options['pollinterval'] ?? Number.NaN)
    this.pollMs = Number.isFinite(option) && option > 0 ? option * 1000 : defaultPollMs
  }

  async start(): Promise<void> {
    await this.poll()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.timer?.cancel()
  }

  private schedule(ms: number): void {
    if (this.stopped) return
    this.timer = this.context.clock.setTimeout(() => void this.poll(), ms)
  }

  private async poll(): Promise<void> {
    const outcome = await fetchStatus(this.target, { clock: this.context.clock })
    if (this.stopped) return
    if (!outcome.ok) {
      this.failed(outcome.reason)
      return
    }
    const report = parseStatusReport(outcome.records)
    if (!report.has('STATUS') && !report.has('STATFLAG')) {
      this.failed('the answer holds neither STATUS nor STATFLAG')
      return
    }
    this.apply(report)
    if (this.failures > 0)
      this.log.info({ failures: this.failures }, `apcupsd at ${this.where()} answers again`)
    this.failures = 0
    this.schedule(this.pollMs)
  }

  private apply(report: ReadonlyMap<string, string>): void {
    const mapped = nutFromReport(report)
    const device = this.device
    const values = new Map(mapped.variables)
    values.set('device.type', 'ups')
    values.set('driver.name', 'apcupsd')
    values.set('driver.parameter.port', this.config.port)
    values.set('driver.parameter.pollinterval', String(this.pollMs / 1000))
    device.update(() => {
      for (const [name, value] of values) device.setValue(name, value)
      for (const name of this.owned) if (!values.has(name)) device.deleteVariable(name)
      this.owned = new Set(values.keys())
      device.lastUpdate = this.context.clock.now()
      // apcupsd lost its own UPS: the data it still shows is old.
      device.setCommState(mapped.commLost || mapped.status === '' ? 'stale' : 'ok')
      if (mapped.shuttingDown) device.latchFsd()
    })
  }

  private failed(reason: string): void {
    this.failures++
    if (this.failures === 1)
      this.log.warn({ reason }, `apcupsd at ${this.where()} cannot be read: ${reason}`)
    this.device.setCommState(this.failures >= failuresBeforeLost ? 'lost' : 'stale')
    const backoff = Math.min(
      this.pollMs * 2 ** (this.failures - 1),
      Math.max(maxBackoffMs, this.pollMs),
    )
    this.schedule(backoff)
  }

  private where(): string {
    return `${this.target.host}:${this.target.port}`
  }
}
