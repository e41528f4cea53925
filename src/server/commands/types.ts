/**
 * The shape of a NUT server command. Each command family (get.ts, list.ts, ...) exports a
 * `CommandFamily`: command words (upper case) mapped to their handlers. The server looks
 * the first word of a request up case-insensitively; adding a family is one entry in
 * registry.ts (or the `commands` option of createNutServer).
 */
import type { ServerConfig } from '../../config/types.ts'
import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/log.ts'
import type { DeviceStore } from '../../devices/device-store.ts'
import type { Descriptions } from '../descriptions.ts'
import type { LoginRegistry } from '../login-registry.ts'
import type { TrackingTable } from '../tracking.ts'
import type { UserDirectory } from '../users.ts'

/** What a handler answers: the reply text (one or more LF-ended lines) and what follows. */
export interface Reply {
  text: string
  /** `close`: the connection ends after the reply; `starttls`: the TLS handshake starts. */
  after?: 'close' | 'starttls'
}

/** Per-connection state, as upsd keeps it. */
export interface SessionState {
  readonly id: number
  /** The client's address as upsd prints it in LIST CLIENT. */
  readonly address: string
  username: string | undefined
  password: string | undefined
  /** The device this connection did LOGIN to (canonical name). */
  loginUps: string | undefined
  tracking: boolean
  tls: boolean
}

/** The connection a command runs on; extensions (push, watch) use it to send later. */
export interface ConnectionHandle {
  /** Sends text (whole LF-ended lines) outside the request/reply flow. */
  send(text: string): void
  /** Runs `listener` once when the connection ends; returns an unsubscribe function. */
  onClose(listener: () => void): () => void
  close(): void
}

/** Everything the server shares between connections. */
export interface ServerContext {
  readonly store: DeviceStore
  readonly users: UserDirectory
  readonly tracking: TrackingTable
  readonly logins: LoginRegistry
  readonly descriptions: Descriptions
  readonly config: ServerConfig
  readonly clock: Clock
  readonly log: Logger
  /** Text of `VER` and `server.info`. */
  readonly versionText: string
  /** Whether STARTTLS can be offered (a certificate is loaded). */
  readonly tlsAvailable: boolean
  /**
   * Answers an authorisation that failed on credentials (unknown user, wrong password):
   * logs it (rate-limited) and delays this connection's reply per source address.
   */
  credentialsRefused(session: SessionState): Promise<Reply>
}

export interface CommandContext {
  readonly session: SessionState
  readonly server: ServerContext
  readonly connection: ConnectionHandle
}

export interface CommandSpec {
  /** upsd's FLAG_USER: USERNAME and PASSWORD must have been given before it runs. */
  needsCredentials: boolean
  run(args: string[], context: CommandContext): Reply | Promise<Reply>
}

export type CommandFamily = Readonly<Record<string, CommandSpec>>
