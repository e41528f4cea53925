/**
 * What apcupsd counts about a UPS since it started and nutshell's store does not keep:
 * transfers to battery (NUMXFERS), when the last one began and ended (XONBATT,
 * XOFFBATT), time on battery now and in all (TONBATT, CUMONBATT), and the events file
 * lines `events` returns. Kept current from the store's events for one device.
 */
import type { Clock } from '../../core/clock.ts'
import type { DeviceStore } from '../../devices/device-store.ts'
import { hasStatusFlag } from '../../devices/status.ts'
import { formatNisDate } from '../../protocol/apcupsd-nis/report.ts'

/** apcupsd keeps its events file short; `events` returns the last 50 lines. */
const maxEvents = 50

export interface TransferFigures {
  count: number
  lastOnBattery?: Date | undefined
  lastOffBattery?: Date | undefined
  onBatterySeconds: number
  cumulativeSeconds: number
}

export class PowerHistory {
  private readonly clock: Clock
  private readonly utcOffsetMinutes: number
  private readonly device: string
  private readonly unsubscribe: () => void
  private count = 0
  private onBatterySince: number | undefined // monotonic ms
  private cumulativeMs = 0
  private lastOn: Date | undefined
  private lastOff: Date | undefined
  private readonly lines: string[] = []
  readonly startTime: Date

  constructor(options: {
    store: DeviceStore
    device: string
    clock: Clock
    utcOffsetMinutes: number
  }) {
    this.clock = options.clock
    this.utcOffsetMinutes = options.utcOffsetMinutes
    this.device = options.device.toLowerCase()
    this.startTime = new Date(this.clock.wallNow())
    const device = options.store.get(options.device)
    // A UPS already on battery when nutshell starts counts from now, as apcupsd would.
    if (hasStatusFlag(device?.getValue('ups.status') ?? '', 'OB')) this.wentOnBattery()
    this.unsubscribe = options.store.onChange((change) => {
      if (change.device.toLowerCase() !== this.device) return
      switch (change.kind) {
        case 'variable':
          if (change.name.toLowerCase() !== 'ups.status') return
          this.statusChanged(change.previous ?? '', change.value)
          return
        case 'comm':
          if (change.state === 'ok' && change.previous !== 'ok')
            this.event('Communications with UPS restored.')
          else if (change.previous === 'ok') this.event('Communications with UPS lost.')
          return
        case 'fsd':
          this.event('Remote shutdown requested.')
          return
        default:
          return
      }
    })
  }

  private statusChanged(previous: string, value: string): void {
    const was = hasStatusFlag(previous, 'OB')
    const is = hasStatusFlag(value, 'OB')
    if (!was && is) {
      this.count++
      this.event('Power failure.')
      this.wentOnBattery()
      this.event('Running on UPS batteries.')
    } else if (was && !is) {
      this.wentOffBattery()
      this.event('Mains returned. No longer on UPS batteries.')
      this.event('Power is back. UPS running on mains.')
    }
    if (!hasStatusFlag(previous, 'LB') && hasStatusFlag(value, 'LB'))
      this.event('Battery power exhausted.')
  }

  private wentOnBattery(): void {
    this.onBatterySince = this.clock.now()
    this.lastOn = new Date(this.clock.wallNow())
  }

  private wentOffBattery(): void {
    if (this.onBatterySince !== undefined)
      this.cumulativeMs += this.clock.now() - this.onBatterySince
    this.onBatterySince = undefined
    this.lastOff = new Date(this.clock.wallNow())
  }

  private event(text: string): void {
    const date = formatNisDate(new Date(this.clock.wallNow()), this.utcOffsetMinutes)
    this.lines.push(`${date}${text}\n`)
    if (this.lines.length > maxEvents) this.lines.shift()
  }

  figures(): TransferFigures {
    const current = this.onBatterySince === undefined ? 0 : this.clock.now() - this.onBatterySince
    return {
      count: this.count,
      lastOnBattery: this.lastOn,
      lastOffBattery: this.lastOff,
      onBatterySeconds: current / 1000,
      cumulativeSeconds: (this.cumulativeMs + current) / 1000,
    }
  }

  /** The events file's last lines, oldest first, each ending in LF. */
  events(): readonly string[] {
    return this.lines
  }

  stop(): void {
    this.unsubscribe()
  }
}
