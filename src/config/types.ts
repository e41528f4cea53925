/**
 * The broker's configuration after loading, whichever file it came from: the native YAML
 * file or NUT's ups.conf / upsd.conf / upsd.users / upsmon.conf. Loaders produce this;
 * the broker and its parts consume it. Durations are in milliseconds.
 *
 * Where a part is written the same way in the native YAML file, its type is the schema's
 * (yaml-schema.ts, declared once); the rest is filled in by the loaders. Type imports only:
 * nothing here loads zod.
 */
import type { z } from 'zod'
import type { IntegrationsConfig } from './schema/integrations.ts'
import type { NotifyConfig } from './schema/notify.ts'
import type { WebConfig } from './web-config.ts'
import type {
  commandSchema,
  deviceSchema,
  monitorTlsSchema,
  notifyFlagSchema,
  tlsSchema,
} from './yaml-schema.ts'

/**
 * One device: a ups.conf section or an entry under `devices:` in YAML (the schema's type:
 * name, driver, port, description, options as written, flags).
 */
export type DeviceConfig = z.output<typeof deviceSchema>

export interface ListenAddress {
  host: string
  port: number
  /**
   * The address may be missing on this host (the default `::1` where IPv6 is off): the
   * server then goes on without it, with a warning, as long as another address works.
   */
  optional?: boolean
}

/** `server.tls`: a PEM certFile (may hold the key too, as NUT's CERTFILE) and a keyFile. */
export type TlsConfig = z.output<typeof tlsSchema>

export interface ServerLimits {
  maxConnections: number
  maxConnectionsPerAddress: number
  /** A client that sends no complete line for this long is closed (NUT: 60 s). */
  idleTimeoutMs: number
  /** A STARTTLS handshake that takes longer than this is closed. */
  handshakeTimeoutMs: number
  /** A request line longer than this (bytes, without LF) closes the connection. */
  maxLineLength: number
  /** A client that stops reading is dropped once this many bytes wait for it. */
  maxOutputQueueBytes: number
}

export interface ServerConfig {
  listen: ListenAddress[]
  /** upsd.conf MAXAGE: data older than this is stale (default 15 s). */
  maxAgeMs: number
  /** upsd.conf TRACKINGDELAY: how long TRACKING results are kept (default 3600 s). */
  trackingDelayMs: number
  /** Where NUT driver state sockets live (NUT_STATEPATH / STATEPATH). */
  statePath: string
  tls?: TlsConfig
  limits: ServerLimits
}

export type UserAction = 'SET' | 'FSD' | 'LOGIN' | 'PRIMARY'

/** A user of upsd.users, with its grants already expanded as upsd expands them. */
export interface UserConfig {
  name: string
  /** Undefined: the user can never be authorised (as in upsd). */
  password: string | undefined
  actions: UserAction[]
  /** Lower-case command names; `all` grants every command. */
  instcmds: string[]
  upsmon?: 'primary' | 'secondary'
}

export type NotifyFlag = z.output<typeof notifyFlagSchema>

/** A command to run: NUT's string form (through /bin/sh -c) or an argument list (no shell). */
export type CommandSpec = z.output<typeof commandSchema>

export interface MonitoredUps {
  /** The MONITOR system string as written: `ups@host[:port]`. */
  system: string
  ups: string
  host: string
  port: number
  powerValue: number
  user: string
  password: string
  role: 'primary' | 'secondary'
}

export interface MonitorConfig {
  monitors: MonitoredUps[]
  minSupplies: number
  shutdownCommand?: CommandSpec
  /**
   * nutshell's hibernate (suspend to disk): run by the rules' `hibernate` action through the
   * monitor's shutdown path, e.g. `["systemctl", "hibernate"]`. No upsmon.conf directive.
   */
  hibernateCommand?: CommandSpec
  /** Which road shutdown/hibernate/suspend take (docs/privilege.md); absent: command. */
  powerRoad?: import('./schema/power-road.ts').PowerRoadConfig
  notifyCommand?: CommandSpec
  /** Per notify type (upper case): its flags; missing types use NUT's defaults. */
  notifyFlags: Record<string, NotifyFlag[]>
  /** Per notify type (upper case): its message template with `%s`. */
  notifyMessages: Record<string, string>
  pollFreqMs: number
  pollFreqAlertMs: number
  deadTimeMs: number
  hostSyncMs: number
  finalDelayMs: number
  powerDownFlag?: string
  rbWarnTimeMs: number
  noCommWarnTimeMs: number
  /** Negative: never. */
  offDurationMs: number
  overDurationMs: number
  obLbDurationMs: number
  /** true: exit after SHUTDOWNCMD; false/number: keep running (ms, negative forever). */
  shutdownExit: boolean | number
  runAsUser?: string
  /** Whether the built-in "shut down when critical" policy runs (rules may turn it off). */
  defaultPolicy: boolean
  /** [master] ALARM with no communication counts as critical (default true). */
  alarmCritical?: boolean
  /** upsmon's TLS settings (CERTPATH, CERTIDENT, CERTHOST, CERTVERIFY, FORCESSL). */
  tls?: MonitorTlsConfig
  /** [master] POLLFAIL_LOG_THROTTLE_MAX (default -1: no throttling). */
  pollFailLogThrottleMax?: number
  debugMin?: number
}

/** upsmon's TLS settings (CERTPATH, CERTIDENT, CERTHOST, CERTVERIFY, FORCESSL). */
export type MonitorTlsConfig = z.output<typeof monitorTlsSchema>

/** ups.conf globals that concern starting NUT's C drivers (as upsdrvctl uses them). */
export interface DriverDefaults {
  /** Directory of the NUT driver binaries (Debian: /lib/nut). */
  driverPath?: string
  user?: string
  group?: string
  chroot?: string
  maxStartDelayMs?: number
  maxRetry?: number
  retryDelayMs?: number
  pollIntervalMs?: number
  noWait?: boolean
  synchronous?: 'yes' | 'no' | 'auto'
  debugMin?: number
}

export interface BrokerConfig {
  /** Directory relative paths resolve against (NUT_CONFPATH, or the YAML file's folder). */
  configDir: string
  /** Where the configuration came from, for messages. */
  source: { kind: 'nut'; dir: string } | { kind: 'yaml'; file: string }
  devices: DeviceConfig[]
  server: ServerConfig
  users: UserConfig[]
  monitor?: MonitorConfig
  rules?: {
    files: string[]
    /** Where every rule `notify` is POSTed as JSON, besides the log and NOTIFYCMD. */
    notifyWebhooks?: string[]
  }
  /** ups.conf globals for NUT's C drivers (or `driverDefaults:` in YAML). */
  driverDefaults?: DriverDefaults
  /** `integrations:` as validated (each face fills in its own defaults). */
  integrations?: IntegrationsConfig
  /** notify.channels: ntfy, e-mail, Gotify, Telegram, Discord, Slack (docs/notifications.md). */
  notify?: NotifyConfig
  /** The web face (src/web); off when undefined. */
  web?: WebConfig
}

export const defaultServerLimits: ServerLimits = {
  maxConnections: 10_000,
  maxConnectionsPerAddress: 6_000,
  idleTimeoutMs: 60_000,
  handshakeTimeoutMs: 10_000,
  maxLineLength: 4_096,
  maxOutputQueueBytes: 1_048_576,
}
