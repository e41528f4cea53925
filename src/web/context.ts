/** What every route module of the web face is given (built once in server.ts). */

import type { WebConfig } from '../config/web-config.ts'
import type { Clock } from '../core/clock.ts'
import type { Logger } from '../core/log.ts'
import type { DeviceStore } from '../devices/device-store.ts'
import type { RunningMonitor } from '../monitor/start-monitor.ts'
import type { RunningRules } from '../rules/start-rules.ts'
import type { FailureThrottle } from '../server/auth-throttle.ts'
import type { Descriptions } from '../server/descriptions.ts'
import type { NutServer } from '../server/nut-server.ts'
import type { TrackingTable } from '../server/tracking.ts'
import type { AuditLog } from './audit.ts'
import type { UserDirectory } from './auth/directory.ts'
import type { SessionStore } from './auth/sessions.ts'
import type { LiveHub } from './live/live-hub.ts'

export interface WebSources {
  store: DeviceStore
  /** Getters: the broker may replace the monitor (reload) after the web face started. */
  monitor: () => RunningMonitor | undefined
  rules: () => RunningRules | undefined
  nutServer: () => NutServer | undefined
  /** The monitor's MINSUPPLIES (0 without a monitor). */
  minSupplies: () => number
}

export interface RouteContext extends WebSources {
  config: WebConfig
  clock: Clock
  log: Logger
  descriptions: Descriptions
  tracking: TrackingTable
  audit: AuditLog
  hub: LiveHub
  directory: UserDirectory
  sessions: SessionStore
  throttle: FailureThrottle
  /** Whether the listener serves TLS (cookies get Secure). */
  secure: boolean
  /** How long an action waits for the driver's answer before replying PENDING. */
  actionWaitMs: number
}
