import { NutshellError } from '../core/errors.ts'
import type { DeviceStore } from '../devices/device-store.ts'
import { withFsdPrefix } from '../devices/status.ts'
import type { Observation, UpsLink } from './ups-link.ts'

/**
 * Watches a device of an in-process DeviceStore: no network, no polling. Every change of
 * the device's status, FSD latch or communication state reaches the monitor as it happens.
 * The status is read as upsd would serve it (`FSD` prefixed while the latch is set); a
 * device that is stale, lost or absent reads as a failed poll.
 */
export interface StoreLinkOptions {
  store: DeviceStore
  device: string
  /**
   * How many monitors are logged in to this device through the NUT server (LOGIN), for
   * the primary's wait; the in-process monitor itself never logs in. Default: none.
   */
  logins?: (device: string) => number
}

export class StoreLink implements UpsLink {
  readonly mode = 'store'
  private readonly options: StoreLinkOptions

  constructor(options: StoreLinkOptions) {
    this.options = options
  }

  read(): Promise<Observation> {
    return Promise.resolve(this.readNow())
  }

  /** The same as `read`, synchronously. */
  readNow(): Observation {
    const device = this.options.store.get(this.options.device)
    if (device === undefined) return { ok: false, reason: 'no such device' }
    if (device.commState !== 'ok') return { ok: false, reason: `data ${device.commState}` }
    const raw = device.getValue('ups.status') ?? ''
    const status = device.fsdLatched ? withFsdPrefix(raw) : raw
    const alarm = device.getValue('ups.alarm')
    return alarm === undefined ? { ok: true, status } : { ok: true, status, alarm }
  }

  subscribe(listener: () => void): () => void {
    const wanted = this.options.device.toLowerCase()
    return this.options.store.onChange((change) => {
      if (change.device.toLowerCase() !== wanted) return
      switch (change.kind) {
        case 'variable':
        case 'variable-removed':
          if (change.name.toLowerCase() === 'ups.status') listener()
          return
        case 'comm':
        case 'fsd':
        case 'device-added':
        case 'device-removed':
          listener()
          return
        case 'metadata':
        case 'commands':
        case 'batch-end':
          return
      }
    })
  }

  setFsd(): Promise<void> {
    const device = this.options.store.get(this.options.device)
    if (device === undefined) {
      return Promise.reject(
        new NutshellError('NS_DEVICE_UNKNOWN', `no device ${this.options.device}`),
      )
    }
    device.latchFsd()
    return Promise.resolve()
  }

  otherLogins(): Promise<number> {
    return Promise.resolve(this.options.logins?.(this.options.device) ?? 0)
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}
