import { constants } from 'node:fs'
import { open, readFile, rm } from 'node:fs/promises'
import type { CommandSpec } from '../config/types.ts'
import type { Logger } from '../core/log.ts'
import type { CommandRunner } from './run-command.ts'

/**
 * A power road: the one narrow door to powering the machine off. The monitor holds only
 * this: it can ask for the power-down flag to be written, for the shutdown command to
 * run and for hibernation, and nothing else; what the flag path and the commands are is
 * fixed when the road is built (as upsmon needs a restart to change SHUTDOWNCMD or
 * POWERDOWNFLAG). Today's road runs the configured commands in-process
 * (CommandPowerRoad); others (a privileged helper's framed pipe, logind) implement the
 * same three calls.
 */
export interface PowerRoad {
  /** Writes POWERDOWNFLAG (with NUT's magic) if one is configured. */
  writePowerDownFlag(): Promise<void>
  /** Runs SHUTDOWNCMD; resolves when it has finished (or failed). */
  shutdown(): Promise<void>
  /**
   * Runs the hibernate command (suspend to disk); resolves when it has returned, which for
   * a real hibernation is after the machine has woken up again. False when none is set.
   */
  hibernate(): Promise<boolean>
}

/** What upsmon writes into POWERDOWNFLAG, and what `upsmon -K` looks for (no newline). */
export const powerDownMagic = 'upsmon-shutdown-file'

export interface CommandPowerRoadOptions {
  log: Logger
  runner: CommandRunner
  powerDownFlag?: string | undefined
  shutdownCommand?: CommandSpec | undefined
  hibernateCommand?: CommandSpec | undefined
  /** SHUTDOWNCMD gets this long before it is killed (default 10 minutes). */
  timeoutMs?: number
}

/** The configured SHUTDOWNCMD / hibernate command, run here through the runner. */
export class CommandPowerRoad implements PowerRoad {
  private readonly options: CommandPowerRoadOptions

  constructor(options: CommandPowerRoadOptions) {
    this.options = options
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

  async hibernate(): Promise<boolean> {
    const spec = this.options.hibernateCommand
    if (spec === undefined) {
      this.options.log.error('no hibernate command configured (monitor.hibernateCommand)')
      return false
    }
    this.options.log.warn('hibernating (suspend to disk)')
    const result = await this.options.runner.run({
      spec,
      label: 'HIBERNATECMD',
      timeoutMs: this.options.timeoutMs ?? 600_000,
    })
    if (result.code !== 0) {
      this.options.log.error(
        { code: result.code, signal: result.signal, error: result.spawnError },
        'hibernate command failed',
      )
    }
    return result.code === 0
  }

  async shutdown(): Promise<void> {
    const spec = this.options.shutdownCommand
    if (spec === undefined) {
      this.options.log.error('no SHUTDOWNCMD configured: cannot shut the machine down')
      return
    }
    this.options.log.warn('executing automatic power-fail shutdown')
    const result = await this.options.runner.run({
      spec,
      label: 'SHUTDOWNCMD',
      timeoutMs: this.options.timeoutMs ?? 600_000,
    })
    if (result.code !== 0) {
      this.options.log.error(
        { code: result.code, signal: result.signal, error: result.spawnError },
        'SHUTDOWNCMD failed',
      )
    }
  }
}

/** Creates the flag file fresh (not following a symlink planted there) with the magic. */
export async function writePowerDownFlagFile(path: string): Promise<void> {
  await rm(path, { force: true })
  const handle = await open(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o644,
  )
  try {
    await handle.writeFile(powerDownMagic)
  } finally {
    await handle.close()
  }
}

/** `upsmon -K`: whether the flag exists and starts with the magic. */
export async function powerDownFlagSet(path: string): Promise<boolean> {
  try {
    const content = await readFile(path, 'utf8')
    return content.startsWith(powerDownMagic)
  } catch {
    return false
  }
}

/** At start upsmon removes a left-over flag, but only one that holds the magic. */
export async function clearPowerDownFlag(path: string): Promise<boolean> {
  if (!(await powerDownFlagSet(path))) return false
  await rm(path, { force: true })
  return true
}
