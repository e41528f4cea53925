/**
 * How the monitor reaches one monitored UPS. Three kinds feed the same core:
 * - store: a device of an in-process DeviceStore (nutshell serve, `monitor --local`);
 * - poll: a remote NUT server asked `GET VAR ups ups.status` every POLLFREQ (real upsd);
 * - push: a remote nutshell server that sends changes as they happen (WATCH extension).
 * A link that pushes calls its subscriber on every change; the core then reads it at once
 * instead of waiting for the next poll.
 */
export type Observation =
  | { ok: true; status: string; alarm?: string }
  | { ok: false; reason: string }

export interface UpsLink {
  /** `push` links answer `read` from what they hold; `poll` links ask the server. */
  readonly mode: 'store' | 'poll' | 'push'
  /** The current state: status (with `FSD` when the server's latch is set) or a failure. */
  read(): Promise<Observation>
  /** Called on every change the link learns of without being asked. */
  subscribe(listener: () => void): () => void
  /** Sets the FSD latch on the UPS (primary only). Throws on failure. */
  setFsd(): Promise<void>
  /**
   * How many OTHER monitors are logged in to the UPS (upsd's NUMLOGINS minus this one
   * for a remote link). Errors count as 0, as upsmon counts them: no waiting.
   */
  otherLogins(): Promise<number>
  close(): Promise<void>
}
