/**
 * nutshell's own metrics (`nutshell_*` on /metrics), through prom-client: per-face
 * connections, requests and errors, each device's driver state, the monitor, rule firings
 * and command results. Device gauges are read from the store when scraped (the store is
 * the one copy of device state); counters are fed by the parts that see the events.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import type { DeviceStore } from '../../devices/device-store.ts'
import { type MetricFamily, writeExposition } from './text-format.ts'

export interface FaceStats {
  connectionOpened(): void
  connectionClosed(): void
  request(): void
  error(kind: string): void
}

export interface MonitorView {
  /** Status last seen per monitored system, undefined while it cannot be read. */
  observed(): ReadonlyArray<{ system: string; status: string | undefined }>
  shuttingDown(): boolean
}

interface CountSource {
  read: () => { readonly requests: number; readonly errors: number }
  errorKind: string
  /** The totals already added to the counters. */
  requests: number
  errors: number
}

const commStates = ['ok', 'stale', 'lost'] as const

const lintFailing = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
]

export class NutshellMetrics {
  readonly registry = new Registry()
  private readonly requests: Counter<'face'>
  private readonly errors: Counter<'face' | 'kind'>
  private readonly notifications: Counter<'type'>
  private readonly rules: Counter<'rule'>
  private readonly commands: Counter<'device' | 'kind' | 'outcome'>
  private readonly changes: Counter<'device'>
  private readonly connectionSources = new Map<string, () => number>()
  private readonly openByFace = new Map<string, number>()
  private readonly countSources = new Map<string, CountSource>()
  private monitor: MonitorView | undefined
  private readonly store: DeviceStore
  private unsubscribe: (() => void) | undefined

  constructor(options: { store: DeviceStore; version: string; processMetrics?: boolean }) {
    const registers = [this.registry]
    const { store } = options
    this.store = store
    new Gauge({
      name: 'nutshell_info',
      help: 'nutshell build information',
      labelNames: ['version'],
      registers,
      collect() {
        this.set({ version: options.version }, 1)
      },
    })
    this.changes = new Counter({
      name: 'nutshell_device_changes_total',
      help: 'Changes of variables, metadata, commands and link state per device',
      labelNames: ['device'],
      registers,
    })
    const sources = this.connectionSources
    const open = this.openByFace
    new Gauge({
      name: 'nutshell_face_connections',
      help: 'Open client connections per face',
      labelNames: ['face'],
      registers,
      collect() {
        for (const [face, count] of sources) this.set({ face }, count())
        for (const [face, count] of open) if (!sources.has(face)) this.set({ face }, count)
      },
    })
    const counted = this.countSources
    this.requests = new Counter({
      name: 'nutshell_face_requests_total',
      help: 'Requests served per face',
      labelNames: ['face'],
      registers,
      collect() {
        for (const [face, source] of counted) {
          const now = source.read().requests
          this.inc({ face }, Math.max(0, now - source.requests))
          source.requests = now
        }
      },
    })
    this.errors = new Counter({
      name: 'nutshell_face_errors_total',
      help: 'Requests refused or failed per face, by kind',
      labelNames: ['face', 'kind'],
      registers,
      collect() {
        for (const [face, source] of counted) {
          const now = source.read().errors
          this.inc({ face, kind: source.errorKind }, Math.max(0, now - source.errors))
          source.errors = now
        }
      },
    })
    const self = this
    new Gauge({
      name: 'nutshell_monitor_supply_online',
      help: 'Monitored supply last read on line (1), not on line (0); absent while unreadable',
      labelNames: ['system'],
      registers,
      collect() {
        this.reset()
        for (const { system, status } of self.monitor?.observed() ?? []) {
          if (status === undefined) continue
          this.set({ system }, status.split(/\s+/).includes('OL') ? 1 : 0)
        }
      },
    })
    new Gauge({
      name: 'nutshell_monitor_shutting_down',
      help: 'The monitor started its forced-shutdown sequence (1)',
      registers,
      collect() {
        this.set(self.monitor?.shuttingDown() === true ? 1 : 0)
      },
    })
    this.notifications = new Counter({
      name: 'nutshell_monitor_notifications_total',
      help: "The monitor's notify events (ONBATT, LOWBATT, FSD, ...) by type",
      labelNames: ['type'],
      registers,
    })
    this.rules = new Counter({
      name: 'nutshell_rule_firings_total',
      help: 'Rule firings by rule',
      labelNames: ['rule'],
      registers,
    })
    this.commands = new Counter({
      name: 'nutshell_command_results_total',
      help: 'Results of SET and instant commands per device (kind set or instcmd)',
      labelNames: ['device', 'kind', 'outcome'],
      registers,
    })
    if (options.processMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry })
      // prom-client names three gauges `_total`, which promtool's linter refuses.
      for (const name of lintFailing) this.registry.removeSingleMetric(name)
    }
    const offChange = store.onChange((change) => {
      if (change.kind === 'batch-end' || change.kind === 'device-removed') return
      this.changes.inc({ device: change.device })
    })
    const offCommand = store.onCommandSettled((r) =>
      this.commandResult(r.device, r.kind, r.outcome),
    )
    this.unsubscribe = () => {
      offChange()
      offCommand()
    }
  }

  /** A face whose connection count is read at scrape time. */
  connectionSource(face: string, count: () => number): void {
    this.connectionSources.set(face, count)
  }

  /**
   * A face that keeps its own request and error totals (the NUT server's plain integers,
   * kept off prom-client on its hot path): read at scrape time, errors under `errorKind`.
   */
  countSource(
    face: string,
    errorKind: string,
    read: () => { readonly requests: number; readonly errors: number },
  ): void {
    this.countSources.set(face, { read, errorKind, requests: 0, errors: 0 })
  }

  face(face: string): FaceStats {
    return {
      connectionOpened: () => this.openByFace.set(face, (this.openByFace.get(face) ?? 0) + 1),
      connectionClosed: () =>
        this.openByFace.set(face, Math.max(0, (this.openByFace.get(face) ?? 0) - 1)),
      request: () => this.requests.inc({ face }),
      error: (kind) => this.errors.inc({ face, kind }),
    }
  }

  watchMonitor(view: MonitorView): void {
    this.monitor = view
  }

  notification(type: string): void {
    this.notifications.inc({ type })
  }

  ruleFired(rule: string): void {
    this.rules.inc({ rule })
  }

  commandResult(device: string, kind: 'set' | 'instcmd', outcome: string): void {
    this.commands.inc({ device, kind, outcome })
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    // Per-device state is written straight from the store (const metrics, one pass):
    // through prom-client's label maps it allocated ~10 times more per scrape.
    const devices = writeExposition(deviceFamilies(this.store))
    return {
      contentType: this.registry.contentType,
      body: `${devices}${await this.registry.metrics()}`,
    }
  }

  stop(): void {
    this.unsubscribe?.()
    this.unsubscribe = undefined
    this.registry.clear()
  }
}

function deviceFamilies(store: DeviceStore): MetricFamily[] {
  const comm: MetricFamily = {
    name: 'nutshell_device_comm_state',
    help: 'Link to each device: 1 for its current state (ok, stale, lost), 0 for the others',
    type: 'gauge',
    samples: [],
  }
  const fsd: MetricFamily = {
    name: 'nutshell_device_fsd',
    help: 'Forced shutdown latched on the device (1) or not (0)',
    type: 'gauge',
    samples: [],
  }
  for (const device of store.list()) {
    for (const state of commStates)
      comm.samples.push({
        labels: [
          ['device', device.name],
          ['state', state],
        ],
        value: device.commState === state ? 1 : 0,
      })
    fsd.samples.push({ labels: [['device', device.name]], value: device.fsdLatched ? 1 : 0 })
  }
  return [comm, fsd]
}
