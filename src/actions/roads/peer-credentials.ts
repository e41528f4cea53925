/**
 * Who is on the other end of an accepted Unix socket: what SO_PEERCRED would say, found
 * without a native module (Node has no SO_PEERCRED; docs/privilege.md, "helper socket").
 *
 * 1. fstat of our end's descriptor gives its socket inode;
 * 2. `ss -xpnH` (iproute2, over the kernel's sock_diag) gives that inode's peer inode and
 *    the processes holding the peer end;
 * 3. /proc/PID/status gives each holder's real and effective uid.
 *
 * Every holder must be a single known uid; anything else (no holder, holders of different
 * uids, an unreadable /proc entry) is no answer, and the connection is refused. Limits:
 * this sees who holds the peer end now, not who connected (SO_PEERCRED's view), and it
 * needs root (or the same uid) to see other users' processes, which the helper has.
 */
import { execFile } from 'node:child_process'
import { fstat } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { Socket } from 'node:net'
import { promisify } from 'node:util'
import { parseSsUnix, parseStatusUids } from './ss-unix.ts'

const run = promisify(execFile)

export type PeerResult = { ok: true; uid: number; pids: number[] } | { ok: false; reason: string }

/** The descriptor under a net.Socket (libuv's handle; no public API exposes it). */
function descriptorOf(socket: Socket): number | undefined {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } })._handle
  const fd = handle?.fd
  return typeof fd === 'number' && fd >= 0 ? fd : undefined
}

export async function peerOf(socket: Socket, ssProgram = 'ss'): Promise<PeerResult> {
  const fd = descriptorOf(socket)
  if (fd === undefined) return { ok: false, reason: 'no descriptor for the connection' }
  const ownInode = await new Promise<number | undefined>((resolve) => {
    fstat(fd, (error, info) => resolve(error === null ? info.ino : undefined))
  })
  if (ownInode === undefined) return { ok: false, reason: 'cannot fstat the connection' }
  let listing: string
  try {
    listing = (await run(ssProgram, ['-xpnH'], { maxBuffer: 64 * 1024 * 1024 })).stdout
  } catch (error) {
    return { ok: false, reason: `cannot run ${ssProgram} (iproute2): ${String(error)}` }
  }
  const entries = parseSsUnix(listing)
  const own = entries.find((entry) => entry.inode === ownInode)
  if (own === undefined || own.peerInode === 0)
    return { ok: false, reason: 'the connection is not in the kernel socket list' }
  const peer = entries.find((entry) => entry.inode === own.peerInode)
  if (peer === undefined || peer.pids.length === 0)
    return { ok: false, reason: 'no process holds the other end' }
  const uids = new Set<number>()
  for (const pid of peer.pids) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
    const ids = parseStatusUids(status)
    if (ids === undefined) return { ok: false, reason: `cannot read the uid of process ${pid}` }
    uids.add(ids.real)
    uids.add(ids.effective)
  }
  if (uids.size !== 1)
    return { ok: false, reason: `the other end is held by several uids (${[...uids].join(', ')})` }
  return { ok: true, uid: [...uids][0] as number, pids: peer.pids }
}

/** A user name or number to a uid, through the system's account database (`getent`). */
export async function uidOf(user: string | number): Promise<number | undefined> {
  return idOf('passwd', user)
}

export async function gidOf(group: string | number): Promise<number | undefined> {
  return idOf('group', group)
}

async function idOf(
  database: 'passwd' | 'group',
  name: string | number,
): Promise<number | undefined> {
  if (typeof name === 'number') return name
  if (/^\d+$/.test(name)) return Number(name)
  try {
    const { stdout } = await run('getent', [database, name])
    const id = Number(stdout.split(':')[2])
    return Number.isSafeInteger(id) ? id : undefined
  } catch {
    return undefined
  }
}
