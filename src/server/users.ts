/**
 * upsd.users as upsd applies it: a password is checked only when an action is authorised,
 * a user without a password is never authorised, user names are case-sensitive, action and
 * command names are not.
 *
 * Every check takes the same path whether the user exists or not, and compares fixed-size
 * digests with timingSafeEqual, so a client cannot tell an unknown user from a wrong
 * password by timing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { UserAction, UserConfig } from '../config/types.ts'

export type AuthResult = 'granted' | 'not-permitted' | 'bad-credentials'

interface StoredUser {
  config: UserConfig
  digest: Uint8Array | undefined
  actions: Set<UserAction>
  allCommands: boolean
  commands: Set<string>
}

function digest(text: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(text, 'utf8').digest())
}

export class UserDirectory {
  private users = new Map<string, StoredUser>()
  /** Compared against when there is no real digest, so that path costs the same. */
  private readonly decoy = new Uint8Array(randomBytes(32))

  constructor(users: readonly UserConfig[] = []) {
    this.replace(users)
  }

  /** Swaps in a new user list (upsd's reload); sessions keep their USERNAME/PASSWORD. */
  replace(users: readonly UserConfig[]): void {
    const next = new Map<string, StoredUser>()
    for (const config of users) {
      if (next.has(config.name)) continue // upsd keeps the first of duplicate users
      const commands = new Set(config.instcmds.map((c) => c.toLowerCase()))
      next.set(config.name, {
        config,
        digest: config.password === undefined ? undefined : digest(config.password),
        actions: new Set(config.actions),
        allCommands: commands.has('all'),
        commands,
      })
    }
    this.users = next
  }

  get size(): number {
    return this.users.size
  }

  checkAction(
    username: string | undefined,
    password: string | undefined,
    action: UserAction,
  ): AuthResult {
    const user = this.authenticate(username, password)
    if (user === undefined) return 'bad-credentials'
    return user.actions.has(action) ? 'granted' : 'not-permitted'
  }

  checkInstcmd(
    username: string | undefined,
    password: string | undefined,
    command: string,
  ): AuthResult {
    const user = this.authenticate(username, password)
    if (user === undefined) return 'bad-credentials'
    return user.allCommands || user.commands.has(command.toLowerCase())
      ? 'granted'
      : 'not-permitted'
  }

  private authenticate(
    username: string | undefined,
    password: string | undefined,
  ): StoredUser | undefined {
    const user = username === undefined ? undefined : this.users.get(username)
    const expected = user?.digest ?? this.decoy
    const given = digest(password ?? '')
    const same = timingSafeEqual(expected, given)
    return same && user?.digest !== undefined && password !== undefined ? user : undefined
  }
}
