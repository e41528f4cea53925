/**
 * systemd-logind's Manager (`org.freedesktop.login1`), the few calls the logind power road
 * needs (system-interfaces.md 1): Can*, the power methods with interactive=false, and
 * ListInhibitors. Replies are checked before use: a service that answers with another
 * signature gives a typed failure, not a wrong value.
 */
import type { DbusConnection, DbusReply, SignalWatch } from './bus.ts'

export const login1 = {
  destination: 'org.freedesktop.login1',
  path: '/org/freedesktop/login1',
  interface: 'org.freedesktop.login1.Manager',
} as const

/** The operations the road asks for, and logind's method and polkit action for each. */
export const logindOperations = {
  'power-off': { method: 'PowerOff', can: 'CanPowerOff', action: 'power-off' },
  hibernate: { method: 'Hibernate', can: 'CanHibernate', action: 'hibernate' },
  suspend: { method: 'Suspend', can: 'CanSuspend', action: 'suspend' },
  // logind checks the hibernate actions for hybrid sleep (system-interfaces.md 1.4).
  'hybrid-sleep': { method: 'HybridSleep', can: 'CanHybridSleep', action: 'hibernate' },
} as const

export type LogindOperation = keyof typeof logindOperations

/** What Can* answers: yes, no (not allowed), challenge (allowed after authentication), na. */
export type CanAnswer = 'yes' | 'no' | 'challenge' | 'na'

export type CanResult = { ok: true; answer: CanAnswer } | { ok: false; error: string }

export interface Inhibitor {
  what: string
  who: string
  why: string
  mode: string
  uid: number
  pid: number
}

/** Error names by which logind (through polkit) says the caller is not allowed. */
export const refusalErrors = new Set([
  'org.freedesktop.DBus.Error.AccessDenied',
  'org.freedesktop.DBus.Error.InteractiveAuthorizationRequired',
])

export function isRefusal(reply: DbusReply): boolean {
  return !reply.ok && refusalErrors.has(reply.errorName)
}

function managerCall(member: string, signature?: string, body?: unknown[]) {
  return {
    ...login1,
    member,
    ...(signature === undefined ? {} : { signature }),
    ...(body === undefined ? {} : { body }),
  }
}

const canAnswers: readonly string[] = ['yes', 'no', 'challenge', 'na']

export async function canDo(bus: DbusConnection, operation: LogindOperation): Promise<CanResult> {
  const reply = await bus.call(managerCall(logindOperations[operation].can))
  if (!reply.ok) return { ok: false, error: `${reply.errorName}: ${reply.message}` }
  const answer = reply.body[0]
  if (reply.signature !== 's' || typeof answer !== 'string' || !canAnswers.includes(answer))
    return { ok: false, error: `unexpected answer ${JSON.stringify(reply.body)}` }
  return { ok: true, answer: answer as CanAnswer }
}

/** Starts the operation, never interactively: an unauthorised call fails instead of prompting. */
export function startOperation(
  bus: DbusConnection,
  operation: LogindOperation,
): Promise<DbusReply> {
  return bus.call(managerCall(logindOperations[operation].method, 'b', [false]))
}

export async function listInhibitors(
  bus: DbusConnection,
): Promise<{ ok: true; inhibitors: Inhibitor[] } | { ok: false; error: string }> {
  const reply = await bus.call(managerCall('ListInhibitors'))
  if (!reply.ok) return { ok: false, error: `${reply.errorName}: ${reply.message}` }
  const rows = reply.body[0]
  if (reply.signature !== 'a(ssssuu)' || !Array.isArray(rows))
    return { ok: false, error: `unexpected answer of signature ${reply.signature}` }
  const inhibitors: Inhibitor[] = []
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== 6) continue
    const [what, who, why, mode, uid, pid] = row as unknown[]
    if (
      typeof what === 'string' &&
      typeof who === 'string' &&
      typeof why === 'string' &&
      typeof mode === 'string' &&
      typeof uid === 'number' &&
      typeof pid === 'number'
    )
      inhibitors.push({ what, who, why, mode, uid, pid })
  }
  return { ok: true, inhibitors }
}

/** Watches for `PrepareForSleep(false)`: logind's word that the machine has woken up. */
export function watchResume(bus: DbusConnection): Promise<SignalWatch | undefined> {
  return bus.watchSignal(
    { path: login1.path, interface: login1.interface, member: 'PrepareForSleep' },
    (args) => args[0] === false,
  )
}
