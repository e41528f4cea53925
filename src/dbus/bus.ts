/**
 * The one D-Bus adapter: method calls and signal waits on the system bus (or a given
 * address, for tests' private bus), over `dbus-next`'s low-level message API. No proxy
 * objects and no introspection: the callers name the exact method and signature, so a
 * service that introspects partly (python-dbusmock's templates) or an older logind works
 * the same. Replies come back as a typed result, never as a thrown error, so a refusal
 * (polkit) is something the caller reports, not a crash.
 *
 * dbus-next is loaded on first use, so commands that never talk D-Bus do not load it.
 * It is used without unix-fd passing (its optional native `usocket` does not build on
 * Node 20): methods returning a file descriptor (`h`) are not called through here
 * (docs/privilege.md, "logind").
 */
import type { Clock } from '../core/clock.ts'

export interface DbusCall {
  destination: string
  path: string
  interface: string
  member: string
  signature?: string
  body?: unknown[]
}

export type DbusReply =
  | { ok: true; signature: string; body: unknown[] }
  | { ok: false; errorName: string; message: string }

export interface DbusSignalMatch {
  path: string
  interface: string
  member: string
}

export interface SignalWatch {
  /** The body of the first accepted signal, or undefined after `timeoutMs`; ends the watch. */
  next(timeoutMs: number): Promise<unknown[] | undefined>
  stop(): void
}

interface SignalMessage {
  type: number
  path: string
  interface: string
  member: string
  body: unknown[]
}

export interface DbusConnection {
  call(call: DbusCall): Promise<DbusReply>
  /**
   * Starts watching for a signal; resolves once the bus routes it to us (undefined when the
   * match cannot be added), so a signal sent after this resolves is never missed.
   */
  watchSignal(
    match: DbusSignalMatch,
    accept: (body: unknown[]) => boolean,
  ): Promise<SignalWatch | undefined>
  close(): void
}

export interface OpenBusOptions {
  /** A bus address (`unix:path=...`); default: the system bus ($DBUS_SYSTEM_BUS_ADDRESS or the standard socket). */
  address?: string | undefined
  clock: Clock
  /** How long one call may take before it counts as failed (default 10 s). */
  timeoutMs?: number
}

/** Error names a reply gets when the bus itself cannot be reached or does not answer. */
export const noBusError = 'nutshell.Error.NoBus'
export const timeoutError = 'nutshell.Error.Timeout'

interface DbusError {
  type: string
  text: string
}

function isDbusError(value: unknown): value is DbusError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string' &&
    typeof (value as { text?: unknown }).text === 'string'
  )
}

/** Connects; a bus that cannot be reached gives a connection whose calls all fail with `noBusError`. */
export async function openBus(options: OpenBusOptions): Promise<DbusConnection> {
  const dbus = await import('dbus-next')
  const bus =
    options.address === undefined
      ? dbus.systemBus()
      : dbus.sessionBus({ busAddress: options.address })
  let broken: string | undefined
  // dbus-next reports a bus it cannot reach on 'error' and leaves pending calls waiting:
  // this makes them fail at once instead of at the timeout.
  const failure = new Promise<DbusReply>((resolve) => {
    bus.on('error', (error: unknown) => {
      broken = error instanceof Error ? error.message : String(error)
      resolve({ ok: false, errorName: noBusError, message: broken })
    })
  })
  const timeoutMs = options.timeoutMs ?? 10_000
  const clock = options.clock

  const withTimeout = <T>(promise: Promise<T>, fallback: T, ms: number): Promise<T> =>
    new Promise((resolve) => {
      const timer = clock.setTimeout(() => resolve(fallback), ms)
      promise.then(
        (value) => {
          timer.cancel()
          resolve(value)
        },
        () => {
          timer.cancel()
          resolve(fallback)
        },
      )
    })

  const call = async (request: DbusCall): Promise<DbusReply> => {
    if (broken !== undefined) return { ok: false, errorName: noBusError, message: broken }
    const message = new dbus.Message({
      destination: request.destination,
      path: request.path,
      interface: request.interface,
      member: request.member,
      ...(request.signature === undefined ? {} : { signature: request.signature }),
      ...(request.body === undefined ? {} : { body: request.body }),
    })
    const reply = bus.call(message).then(
      (answer): DbusReply => ({
        ok: true,
        signature: answer?.signature ?? '',
        body: answer?.body ?? [],
      }),
      (error: unknown): DbusReply =>
        isDbusError(error)
          ? { ok: false, errorName: error.type, message: error.text }
          : {
              ok: false,
              errorName: broken === undefined ? 'nutshell.Error.Failed' : noBusError,
              message: broken ?? String(error),
            },
    )
    const late: DbusReply = {
      ok: false,
      errorName: broken === undefined ? timeoutError : noBusError,
      message: broken ?? `no answer from ${request.destination} in ${timeoutMs} ms`,
    }
    return withTimeout(Promise.race([reply, failure]), late, timeoutMs)
  }

  const watchSignal = async (
    match: DbusSignalMatch,
    accept: (body: unknown[]) => boolean,
  ): Promise<SignalWatch | undefined> => {
    let resolveSeen: (body: unknown[]) => void = () => {}
    const seen = new Promise<unknown[]>((resolve) => {
      resolveSeen = resolve
    })
    // Listening before the match is added, so nothing routed to us is missed.
    const listener = (message: SignalMessage) => {
      if (
        message.type === dbus.MessageType.SIGNAL &&
        message.path === match.path &&
        message.interface === match.interface &&
        message.member === match.member &&
        accept(message.body)
      )
        resolveSeen(message.body)
    }
    bus.on('message', listener)
    const rule = `type='signal',path='${match.path}',interface='${match.interface}',member='${match.member}'`
    const added = await call({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'AddMatch',
      signature: 's',
      body: [rule],
    })
    const stop = () => {
      bus.off('message', listener)
    }
    if (!added.ok) {
      stop()
      return undefined
    }
    return {
      next: async (ms) => {
        const body = await withTimeout<unknown[] | undefined>(seen, undefined, ms)
        stop()
        return body
      },
      stop,
    }
  }

  return {
    call,
    watchSignal,
    close: () => {
      bus.disconnect()
    },
  }
}
