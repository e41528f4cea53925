/**
 * Who may use the web face, and as what. Two sources: the web's own users (`web.auth.users`,
 * hashed passwords, an explicit role) and, unless `nutUsers: false`, the NUT users
 * (YAML `users:` or upsd.users) with a role mapped from what upsd lets them do:
 *
 * | upsd.users grants            | web role  | commands allowed          |
 * |------------------------------|-----------|---------------------------|
 * | `actions = SET` or `FSD`     | admin     | its `instcmds` only       |
 * | `instcmds = ...` (no SET)    | operator  | its `instcmds` only       |
 * | neither                      | viewer    | none                      |
 *
 * (`upsmon primary` implies FSD in upsd, so such a user maps to admin.) A web user of the
 * same name wins over a NUT user.
 */
import type { UserConfig } from '../../config/types.ts'
import type { Role, WebConfig } from '../../config/web-config.ts'
import { hashToken, sameText, verifyPassword } from './password.ts'

export interface Identity {
  name: string
  role: Role
  /** How the request proved it: a session cookie, a Bearer token, Basic (PeaNUT routes). */
  via: 'session' | 'token' | 'basic' | 'anonymous'
  /** Lower-case instant commands allowed; undefined: every command its role allows. */
  instcmds?: readonly string[]
}

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 }

export function roleAtLeast(role: Role, wanted: Role): boolean {
  return rank[role] >= rank[wanted]
}

export function mapNutRole(user: UserConfig): Role {
  if (user.actions.includes('SET') || user.actions.includes('FSD')) return 'admin'
  if (user.instcmds.length > 0) return 'operator'
  return 'viewer'
}

export function mayRunCommand(identity: Identity, command: string): boolean {
  if (!roleAtLeast(identity.role, 'operator')) return false
  const list = identity.instcmds
  if (list === undefined) return true
  return list.includes('all') || list.includes(command.toLowerCase())
}

export class UserDirectory {
  private config: WebConfig
  private nutUsers: readonly UserConfig[]

  constructor(config: WebConfig, nutUsers: readonly UserConfig[]) {
    this.config = config
    this.nutUsers = nutUsers
  }

  setNutUsers(users: readonly UserConfig[]): void {
    this.nutUsers = users
  }

  /** The identity for a name and password, or undefined (unknown user, wrong password). */
  async check(name: string, password: string): Promise<Omit<Identity, 'via'> | undefined> {
    const web = this.config.users.find((u) => u.name === name)
    if (web !== undefined)
      return (await verifyPassword(password, web.password))
        ? { name: web.name, role: web.role }
        : undefined
    const nut = this.config.nutUsers ? this.nutUsers.find((u) => u.name === name) : undefined
    if (nut === undefined || nut.password === undefined) {
      // Same work as a real check, so a probe cannot tell unknown names by the time taken.
      sameText(password, name)
      return undefined
    }
    if (!sameText(password, nut.password)) return undefined
    return { name: nut.name, role: mapNutRole(nut), instcmds: nut.instcmds }
  }

  token(token: string): Omit<Identity, 'via'> | undefined {
    const hash = hashToken(token)
    const found = this.config.tokens.find((t) => sameText(t.hash, hash))
    return found === undefined ? undefined : { name: `token:${found.name}`, role: found.role }
  }
}
