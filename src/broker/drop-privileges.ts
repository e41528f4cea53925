/**
 * The one way a nutshell daemon started as root gives root up (upsd, serve, monitor):
 * right after its sockets are bound and its files are open, it becomes the service user
 * (`-u`/`--user`, RUN_AS_USER / `runAsUser:`, else `nut` when that user exists). Order
 * matters: supplementary groups, then the gid, then the uid; after setuid nothing can be
 * changed back (reference system-interfaces.md §7). The helper's child needs none of
 * this: the helper starts it with the lower identity already.
 */
import { NutshellError } from '../core/errors.ts'
import type { Logger } from '../core/log.ts'
import { isRoot, lookupUser, type ServiceUser } from '../core/users.ts'

export type { ServiceUser } from '../core/users.ts'

export interface DropOptions {
  /** The user asked for (command line or configuration); undefined: `nut` if it exists. */
  requested: string | undefined
  /** Stay root when there is nothing to drop to (`--allow-root`; upsd's own behaviour). */
  allowRoot: boolean
  log: Logger
  /** Where users are looked up (tests); default /etc/passwd. */
  passwd?: string
}

/**
 * Drops to the service user when running as root; a no-op otherwise. Throws NS_USAGE for
 * a named user that does not exist, and when root has nothing to drop to and may not stay.
 */
export function dropPrivileges(options: DropOptions): ServiceUser | undefined {
  if (!isRoot()) return undefined
  const name = options.requested ?? 'nut'
  const user = lookupUser(name, options.passwd)
  if (user === undefined && options.requested !== undefined)
    throw new NutshellError('NS_USAGE', `no such user: ${options.requested}`)
  if (user !== undefined && user.uid === 0) {
    // Asked for by name (`--user root`, as upsd -u root): stays, and says so.
    options.log.warn(`running as root (user ${name} asked for)`)
    return undefined
  }
  if (user === undefined) {
    if (!options.allowRoot) {
      throw new NutshellError(
        'NS_USAGE',
        'started as root and user nut does not exist: give a user (RUN_AS_USER, --user) or --allow-root',
      )
    }
    options.log.warn('running as root (no user nut; --allow-root)')
    return undefined
  }
  // Supplementary groups of the old identity must not survive the switch.
  process.setgroups?.([user.gid])
  process.setgid?.(user.gid)
  process.setuid?.(user.uid)
  options.log.info({ user: name, uid: user.uid, gid: user.gid }, `dropped privileges to ${name}`)
  return user
}
