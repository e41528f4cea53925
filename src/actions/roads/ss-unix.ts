/**
 * Reads `ss -xpnH` (iproute2) output: one line per Unix socket with its own inode, its
 * peer's inode and the processes holding it. ss learns the peer from the kernel's
 * sock_diag netlink interface, which Node cannot speak, and that pairing is what the
 * group socket needs to find who is on the other end (peer-credentials.ts).
 * Pure; lines it cannot read are skipped, never thrown on.
 *
 *   u_str ESTAB 0 0 /run/nutshell/helper.sock 709878 * 709877 users:(("node",pid=12243,fd=21))
 */

export interface UnixSocketEntry {
  inode: number
  peerInode: number
  pids: number[]
}

// netid state recv-q send-q local-address local-inode peer-address peer-inode [users:(...)]
// The addresses may hold spaces (a path can), so the inodes are found from the right.
const line = /^(\S+)\s+(\S+)\s+\d+\s+\d+\s+(.*?)\s+(\d+)\s+(\S+)\s+(\d+)(?:\s+users:\((.*)\))?\s*$/

export function parseSsUnix(text: string): UnixSocketEntry[] {
  const entries: UnixSocketEntry[] = []
  for (const raw of text.split('\n')) {
    const match = line.exec(raw)
    if (match === null) continue
    const inode = Number(match[4])
    const peerInode = Number(match[6])
    if (!Number.isSafeInteger(inode) || !Number.isSafeInteger(peerInode)) continue
    const pids: number[] = []
    for (const pid of (match[7] ?? '').matchAll(/pid=(\d+)/g)) {
      const value = Number(pid[1])
      if (Number.isSafeInteger(value) && value > 0 && !pids.includes(value)) pids.push(value)
    }
    entries.push({ inode, peerInode, pids })
  }
  return entries
}

/** The real and effective uids from /proc/PID/status (`Uid: real effective saved fs`). */
export function parseStatusUids(text: string): { real: number; effective: number } | undefined {
  const match = /^Uid:\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s*$/m.exec(text)
  if (match === null) return undefined
  return { real: Number(match[1]), effective: Number(match[2]) }
}
