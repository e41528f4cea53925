/** Service users from /etc/passwd, for dropping privileges (broker) and the helper's child. */
import { readFileSync } from 'node:fs'

export interface ServiceUser {
  name: string
  uid: number
  gid: number
}

/** uid and gid of a user from /etc/passwd, or undefined when there is no such user. */
export function lookupUser(name: string, passwd = '/etc/passwd'): ServiceUser | undefined {
  let text = ''
  try {
    text = readFileSync(passwd, 'utf8')
  } catch {
    return undefined // no passwd file: no such user
  }
  for (const line of text.split('\n')) {
    const [user, , uid, gid] = line.split(':')
    if (user === name && uid !== undefined && gid !== undefined && uid !== '' && gid !== '') {
      return { name, uid: Number(uid), gid: Number(gid) }
    }
  }
  return undefined
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0
}
