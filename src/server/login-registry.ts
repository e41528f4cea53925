import type { SessionState } from './commands/types.ts'

/**
 * Which connections did LOGIN to which device: NUMLOGINS counts them and LIST CLIENT
 * lists them. A connection leaves when it closes (with or without LOGOUT).
 */
export class LoginRegistry {
  private readonly byDevice = new Map<string, Set<SessionState>>()

  add(device: string, session: SessionState): void {
    const key = device.toLowerCase()
    let set = this.byDevice.get(key)
    if (set === undefined) {
      set = new Set()
      this.byDevice.set(key, set)
    }
    set.add(session)
  }

  remove(device: string, session: SessionState): void {
    const key = device.toLowerCase()
    const set = this.byDevice.get(key)
    if (set === undefined) return
    set.delete(session)
    if (set.size === 0) this.byDevice.delete(key)
  }

  count(device: string): number {
    return this.byDevice.get(device.toLowerCase())?.size ?? 0
  }

  /** The logged-in connections, most recent connection first (upsd's client list order). */
  sessions(device: string): SessionState[] {
    const set = this.byDevice.get(device.toLowerCase())
    if (set === undefined) return []
    return [...set].sort((a, b) => b.id - a.id)
  }
}
