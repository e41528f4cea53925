/**
 * The group-locked helper socket, server side (docs/privilege.md, "helper socket"): the
 * privileged helper listens on a Unix socket owned by root and the monitor's group, mode
 * 0660, so an unprivileged monitor asks for a shutdown by writing a frame (the helper
 * pipe's codec and table), not by running `sudo`.
 *
 * Two locks: the file mode keeps out everyone outside the group, and the peer's uid
 * (peer-credentials.ts) must be one of the configured users. Only the power requests of
 * the table are taken here (notify stays on the helper's pipe); what each does is the
 * helper's own configuration, behind `carryOut`. Each frame is answered with one byte:
 * ACK (0x06) when it was carried out, NAK (0x15) when not.
 */
import { chmod, chown, rm } from 'node:fs/promises'
import { createServer, type Server, type Socket } from 'node:net'
import type { Logger } from '../../core/log.ts'
import { FrameReader } from '../../protocol/helper-pipe/frame-reader.ts'
import type { PowerRequest } from '../../protocol/helper-pipe/frame-types.ts'
import { type PeerResult, peerOf } from './peer-credentials.ts'

export const ack = 0x06
export const nak = 0x15

export interface GroupSocketOptions {
  log: Logger
  path: string
  /** The group that may connect (the monitor's); the socket is root:group 0660. */
  gid: number
  /** The uids accepted at the other end. */
  allowedUids: readonly number[]
  carryOut: (request: PowerRequest, name: string) => Promise<boolean>
  /** Who is at the other end (default: peerOf, through ss and /proc). */
  identify?: (socket: Socket) => Promise<PeerResult>
  /** Bytes out of sequence a connection may send before it is dropped (default 64). */
  maxResets?: number
  /** Requests a connection may have waiting; more are answered NAK (default 4). */
  maxPending?: number
}

export interface GroupSocketServer {
  stop(): Promise<void>
}

export async function startGroupSocket(options: GroupSocketOptions): Promise<GroupSocketServer> {
  const { log, path } = options
  const identify = options.identify ?? ((socket: Socket) => peerOf(socket))
  const sockets = new Set<Socket>()
  await rm(path, { force: true })
  const server: Server = createServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    void serve(socket)
  })

  const serve = async (socket: Socket) => {
    const peer = await identify(socket)
    if (!peer.ok || !options.allowedUids.includes(peer.uid)) {
      log.warn(
        peer.ok ? { uid: peer.uid, pids: peer.pids } : { reason: peer.reason },
        peer.ok
          ? `helper socket: refused a connection from uid ${peer.uid} (not a configured user)`
          : `helper socket: refused a connection whose peer is unknown: ${peer.reason}`,
      )
      socket.destroy()
      return
    }
    const reader = new FrameReader()
    const maxResets = options.maxResets ?? 64
    // One request at a time per connection, and only a few waiting: a client that floods
    // frames gets NAKs for the excess, it is throttled, not obeyed.
    let queue = Promise.resolve()
    let pending = 0
    const maxPending = options.maxPending ?? 4
    socket.on('data', (chunk: Buffer) => {
      const frames = reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length))
      if (reader.totalResets > maxResets) {
        log.warn(
          { uid: peer.uid, resets: reader.resets },
          'helper socket: dropped a client sending garbage',
        )
        socket.destroy()
        return
      }
      for (const frame of frames) {
        if (pending >= maxPending) {
          log.warn(
            { uid: peer.uid, request: frame.kind === 'power' ? frame.request : 'notify' },
            'helper socket: too many requests waiting; refused',
          )
          socket.write(Uint8Array.of(nak))
          continue
        }
        pending++
        queue = queue.then(async () => {
          pending--
          if (frame.kind !== 'power') {
            log.warn(
              { uid: peer.uid },
              'helper socket: notify frames go through the helper pipe, not here',
            )
            socket.write(Uint8Array.of(nak))
            return
          }
          log.info(
            { uid: peer.uid, request: frame.request, name: frame.name },
            'helper socket: request',
          )
          let done = false
          try {
            done = await options.carryOut(frame.request, frame.name)
          } catch (error) {
            log.error({ err: error, request: frame.request }, 'helper socket: request failed')
          }
          if (!socket.destroyed) socket.write(Uint8Array.of(done ? ack : nak))
        })
      }
    })
    socket.resume()
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => {
      server.off('error', reject)
      resolve()
    })
  })
  // Group and mode set before anyone outside root could use it: the directory it sits in
  // must not be writable by the group (docs/privilege.md shows the setup).
  await chmod(path, 0o660)
  await chown(path, 0, options.gid)
  log.info({ path, gid: options.gid, users: options.allowedUids }, 'helper socket listening')

  return {
    stop: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await rm(path, { force: true })
    },
  }
}
