/**
 * Helpers for the monitor's unit tests: a scriptable link, a recording shutdown port and a
 * ready config. Not used by production code.
 */

import { Notifier } from '../../src/actions/notifier.ts'
import type { PowerRoad } from '../../src/actions/power-road.ts'
import { CommandRunner } from '../../src/actions/run-command.ts'
import type { MonitorConfig, MonitoredUps } from '../../src/config/types.ts'
import { systemClock } from '../../src/core/clock.ts'
import { silentLogger } from '../../src/core/log.ts'
import type { ManualClock } from '../../src/core/manual-clock.ts'
import { Monitor } from '../../src/monitor/monitor.ts'
import type { Observation, UpsLink } from '../../src/monitor/ups-link.ts'

export class FakeLink implements UpsLink {
  mode: 'store' | 'poll' | 'push' = 'poll'
  observation: Observation = { ok: true, status: 'OL' }
  fsdSet = false
  logins = 0
  reads = 0
  closed = false
  private listener: (() => void) | undefined

  set(status: string | undefined): void {
    this.observation =
      status === undefined ? { ok: false, reason: 'unreachable' } : { ok: true, status }
  }

  push(status: string | undefined): void {
    this.set(status)
    this.listener?.()
  }

  read(): Promise<Observation> {
    this.reads++
    const o = this.observation
    if (o.ok && this.fsdSet) return Promise.resolve({ ok: true, status: `FSD ${o.status}` })
    return Promise.resolve(o)
  }

  subscribe(listener: () => void): () => void {
    this.listener = listener
    return () => {
      this.listener = undefined
    }
  }

  setFsd(): Promise<void> {
    this.fsdSet = true
    return Promise.resolve()
  }

  otherLogins(): Promise<number> {
    return Promise.resolve(this.logins)
  }

  close(): Promise<void> {
    this.closed = true
    return Promise.resolve()
  }
}

export class RecordingShutdown implements PowerRoad {
  flagWritten = false
  shutdowns = 0
  writePowerDownFlag(): Promise<void> {
    this.flagWritten = true
    return Promise.resolve()
  }
  shutdown(): Promise<void> {
    this.shutdowns++
    return Promise.resolve()
  }
  hibernations = 0
  hibernate(): Promise<boolean> {
    this.hibernations++
    return Promise.resolve(true)
  }
}

export function ups(
  name: string,
  role: 'primary' | 'secondary' = 'primary',
  powerValue = 1,
): MonitoredUps {
  return {
    system: `${name}@localhost`,
    ups: name,
    host: 'localhost',
    port: 3493,
    powerValue,
    user: 'mon',
    password: 'pw',
    role,
  }
}

export function monitorConfig(
  monitors: MonitoredUps[],
  overrides: Partial<MonitorConfig> = {},
): MonitorConfig {
  return {
    monitors,
    minSupplies: 1,
    notifyFlags: {},
    notifyMessages: {},
    pollFreqMs: 5_000,
    pollFreqAlertMs: 5_000,
    deadTimeMs: 15_000,
    hostSyncMs: 15_000,
    finalDelayMs: 5_000,
    rbWarnTimeMs: 43_200_000,
    noCommWarnTimeMs: 300_000,
    offDurationMs: 30_000,
    overDurationMs: -1,
    obLbDurationMs: 0,
    shutdownExit: true,
    defaultPolicy: true,
    ...overrides,
  }
}

export interface Harness {
  monitor: Monitor
  shutdown: RecordingShutdown
  notes: string[]
}

export function harness(config: MonitorConfig, links: FakeLink[], clock: ManualClock): Harness {
  const log = silentLogger()
  const notifier = new Notifier({
    log,
    runner: new CommandRunner({ clock: systemClock, log }),
    notifyFlags: config.notifyFlags,
    notifyMessages: config.notifyMessages,
    syslog: false,
    wall: false,
  })
  const shutdown = new RecordingShutdown()
  const monitor = new Monitor({ config, links, clock, log, notifier, shutdown })
  const notes: string[] = []
  monitor.events.on('notify', (n) => notes.push(n.upsName ? `${n.type} ${n.upsName}` : n.type))
  return { monitor, shutdown, notes }
}

/** Lets promise chains settle. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** Advances the manual clock in steps, letting async work run between them. */
export async function advance(clock: ManualClock, ms: number, step = 250): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done))
    await flush()
  }
}
