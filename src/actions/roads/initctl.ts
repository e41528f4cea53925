/**
 * The initctl power road: sysvinit's control FIFO (`/run/initctl`, older `/dev/initctl`),
 * opened while the process is still privileged and kept open, the lingering descriptor
 * (docs/privilege.md, "initctl"). At shutdown the 384-byte `struct init_request` for
 * runlevel 0 is written in one write (atomic: under PIPE_BUF), so init powers off with no
 * program run and no root left in this process.
 *
 * init re-creates the FIFO when it restarts (an upgrade, `telinit u`): the descriptor
 * then points at a FIFO nobody reads. Before writing, the descriptor's device and inode
 * are compared with the path's; when they differ the road reopens the path (which fails
 * once privileges are gone, and is then reported), never writing to the stale FIFO.
 */
import { constants } from 'node:fs'
import { type FileHandle, open, stat } from 'node:fs/promises'
import { endianness } from 'node:os'
import type { Logger } from '../../core/log.ts'
import { encodeInitRequest, powerOffRequest } from '../../protocol/initctl.ts'
import { type PowerRoad, writePowerDownFlagFile } from '../power-road.ts'

export interface InitctlRoadOptions {
  log: Logger
  /** Default /run/initctl, else /dev/initctl (see `defaultInitctlPath`). */
  path: string
  powerDownFlag?: string | undefined
  /** Seconds init waits between SIGTERM and SIGKILL (default 5). */
  sleepTime?: number
}

/** sysvinit ≥ 2.89 (and systemd's compatibility socket) use /run/initctl; older, /dev/initctl. */
export const initctlPaths = ['/run/initctl', '/dev/initctl'] as const

export type OpenResult = { ok: true } | { ok: false; reason: string }

interface Identity {
  dev: number
  ino: number
}

export class InitctlPowerRoad implements PowerRoad {
  private readonly options: InitctlRoadOptions
  private handle: FileHandle | undefined
  private identity: Identity | undefined

  constructor(options: InitctlRoadOptions) {
    this.options = options
  }

  /**
   * Opens the FIFO for writing without blocking: call while still privileged. ENXIO means
   * no one reads it (init is not listening); the reason is logged and returned.
   */
  async open(): Promise<OpenResult> {
    const path = this.options.path
    let handle: FileHandle
    try {
      handle = await open(path, constants.O_WRONLY | constants.O_NONBLOCK)
    } catch (error) {
      const reason = describeOpenError(path, error)
      this.options.log.error({ path }, reason)
      return { ok: false, reason }
    }
    // Not O_NOFOLLOW: systemd makes /dev/initctl a symlink to /run/initctl. What counts is
    // that the end is a FIFO, which only root can have put at these paths.
    const info = await handle.stat()
    if (!info.isFIFO()) {
      await handle.close()
      const reason = `${path} is not a FIFO: not init's control channel`
      this.options.log.error({ path }, reason)
      return { ok: false, reason }
    }
    await this.close()
    this.handle = handle
    this.identity = { dev: info.dev, ino: info.ino }
    return { ok: true }
  }

  get isOpen(): boolean {
    return this.handle !== undefined
  }

  async close(): Promise<void> {
    const handle = this.handle
    this.handle = undefined
    this.identity = undefined
    await handle?.close()
  }

  async writePowerDownFlag(): Promise<void> {
    const path = this.options.powerDownFlag
    if (path === undefined) return
    try {
      await writePowerDownFlagFile(path)
    } catch (error) {
      this.options.log.error({ path, err: error }, 'cannot write the power-down flag')
    }
  }

  async shutdown(): Promise<void> {
    const log = this.options.log
    const path = this.options.path
    log.warn(`executing automatic power-fail shutdown: runlevel 0 through ${path}`)
    if (!(await this.current())) return
    const encoded = encodeInitRequest(
      powerOffRequest(this.options.sleepTime ?? 5),
      endianness() === 'BE' ? 'BE' : 'LE',
    )
    if (!encoded.ok) {
      log.error({ reason: encoded.reason }, 'cannot encode the init request')
      return
    }
    const handle = this.handle
    if (handle === undefined) return
    try {
      const { bytesWritten } = await handle.write(encoded.bytes)
      if (bytesWritten !== encoded.bytes.length)
        log.error({ path, bytesWritten }, `short write to ${path}: init ignores a partial request`)
    } catch (error) {
      log.error({ path, err: error }, `cannot write the runlevel 0 request to ${path}`)
    }
  }

  /** sysvinit has no hibernation request: this road cannot hibernate. */
  async hibernate(): Promise<boolean> {
    this.options.log.error(
      'the initctl road cannot hibernate (sysvinit has no such request); use the command or logind road',
    )
    return false
  }

  /**
   * True when the held descriptor is still the FIFO at the path; reopens it when init has
   * re-created the FIFO (or it was never opened), and says so either way.
   */
  private async current(): Promise<boolean> {
    const log = this.options.log
    const path = this.options.path
    let now: Identity | undefined
    try {
      const info = await stat(path)
      now = { dev: info.dev, ino: info.ino }
    } catch {
      now = undefined
    }
    const held = this.identity
    if (held !== undefined && now !== undefined && held.dev === now.dev && held.ino === now.ino)
      return true
    if (held !== undefined) {
      log.warn(
        { path },
        now === undefined
          ? `${path} is gone since it was opened; not writing to the old FIFO`
          : `${path} was re-created since it was opened (init restarted?); reopening it`,
      )
      await this.close()
    }
    if (now === undefined) {
      log.error({ path }, `${path} does not exist: cannot reach init`)
      return false
    }
    const reopened = await this.open()
    return reopened.ok
  }
}

function describeOpenError(path: string, error: unknown): string {
  const code = (error as { code?: unknown }).code
  if (code === 'ENXIO') return `nothing reads ${path}: init is not listening on it (ENXIO)`
  if (code === 'EACCES' || code === 'EPERM')
    return `cannot open ${path} (${code}): it must be opened while still root (the road opens it before dropping privileges)`
  if (code === 'ENOENT') return `${path} does not exist: not a sysvinit (or systemd-initctl) host`
  return `cannot open ${path}: ${error instanceof Error ? error.message : String(error)}`
}
