/**
 * Connects the store, the monitor and the rules to the live stream, and remembers each
 * device's last event (a status change, a link change, FSD) for the overview.
 */
import type { DeviceChange } from '../../devices/device.ts'
import type { WebSources } from '../context.ts'
import type { LastEvent } from '../routes/device-view.ts'
import { servedStatus } from '../routes/device-view.ts'
import type { LiveHub } from './live-hub.ts'

export class ActivityLog {
  private readonly lastEvents = new Map<string, LastEvent>()
  private readonly offs: Array<() => void> = []
  private readonly sources: WebSources
  private readonly hub: LiveHub
  private readonly wallNow: () => number

  constructor(sources: WebSources, hub: LiveHub, wallNow: () => number) {
    this.sources = sources
    this.hub = hub
    this.wallNow = wallNow
  }

  start(): void {
    this.offs.push(this.sources.store.onChange((change) => this.onStore(change)))
    const monitor = this.sources.monitor()?.monitor
    if (monitor !== undefined) {
      this.offs.push(
        monitor.events.on('notify', (n) => {
          this.hub.publish('monitor', {
            kind: 'notify',
            type: n.type,
            ups: n.upsName,
            message: n.message,
          })
          // The MONITOR system is ups@host: the device part names the store's device.
          const ups = n.upsName.split('@')[0] ?? ''
          if (ups !== '') this.note(ups, n.type)
        }),
        monitor.events.on('shutdown-started', (s) =>
          this.hub.publish('monitor', { kind: 'shutdown-started', reason: s.reason }),
        ),
      )
    }
    const rules = this.sources.rules()
    if (rules !== undefined)
      this.offs.push(rules.actions.on('action', (request) => this.hub.publish('rule', request)))
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off()
  }

  last(device: string): LastEvent | undefined {
    return this.lastEvents.get(device.toLowerCase())
  }

  private note(device: string, text: string): void {
    const key = device.toLowerCase()
    this.lastEvents.set(key, { time: new Date(this.wallNow()).toISOString(), text })
  }

  private onStore(change: DeviceChange): void {
    switch (change.kind) {
      case 'batch-end':
        return
      case 'variable':
        if (change.name.toLowerCase() === 'ups.status') {
          const device = this.sources.store.get(change.device)
          const status = device === undefined ? change.value : servedStatus(device)
          this.note(change.device, `status ${status}`)
        }
        break
      case 'comm':
        this.note(change.device, `link ${change.state}`)
        break
      case 'fsd':
        this.note(change.device, 'FSD set')
        break
      case 'device-removed':
        this.lastEvents.delete(change.device.toLowerCase())
        break
      default:
        break
    }
    this.hub.publish('store', change)
  }
}
