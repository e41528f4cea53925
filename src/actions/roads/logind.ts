/**
 * The logind power road: power-off, hibernation and suspend asked of systemd-logind over
 * D-Bus, with polkit deciding, so the monitor needs no root at all (docs/privilege.md,
 * "logind"). Each operation checks Can* first, then calls the method with
 * interactive=false; a polkit refusal is one log line that says which rule to install.
 *
 * The road holds a `delay` inhibitor lock from `start()` on, so a shutdown begun by
 * someone else (an administrator, the power button) waits until nutshell has done its
 * last steps; our own shutdown releases the lock as soon as logind has accepted the call,
 * since the last steps are behind us by then.
 */
import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/log.ts'
import { type DbusConnection, openBus } from '../../dbus/bus.ts'
import {
  canDo,
  isRefusal,
  type LogindOperation,
  logindOperations,
  startOperation,
  watchResume,
} from '../../dbus/login1.ts'
import { type PowerRoad, writePowerDownFlagFile } from '../power-road.ts'
import { InhibitorLock } from './inhibitor.ts'

export interface LogindRoadOptions {
  log: Logger
  clock: Clock
  /** A bus address for tests; default the system bus. */
  busAddress?: string | undefined
  powerDownFlag?: string | undefined
  /** Take the delay inhibitor lock (default true). */
  inhibit?: boolean
  /** systemd-inhibit's path (default /usr/bin/systemd-inhibit). */
  inhibitProgram?: string
  /** Hibernate with HybridSleep (memory kept, disk image written) instead of Hibernate. */
  hybridSleep?: boolean
  /** How long hibernate()/suspend() wait for the resume signal (default 24 h). */
  resumeTimeoutMs?: number
}

/** Where the copy-paste polkit rule is documented; named in every refusal line. */
export const polkitAdvice =
  'grant it with a polkit rule (see docs/privilege.md, "logind": /etc/polkit-1/rules.d/49-nutshell.rules)'

export class LogindPowerRoad implements PowerRoad {
  private readonly options: LogindRoadOptions
  private readonly lock: InhibitorLock | undefined

  constructor(options: LogindRoadOptions) {
    this.options = options
    this.lock =
      options.inhibit === false
        ? undefined
        : new InhibitorLock({
            log: options.log,
            clock: options.clock,
            busAddress: options.busAddress,
            ...(options.inhibitProgram === undefined ? {} : { program: options.inhibitProgram }),
          })
  }

  /** Takes the delay lock; false when logind refused it (logged). */
  async start(): Promise<boolean> {
    return this.lock === undefined ? true : this.lock.take()
  }

  /** Releases the lock (the broker is stopping). */
  async stop(): Promise<void> {
    await this.lock?.release()
  }

  get inhibited(): boolean {
    return this.lock?.held ?? false
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
    this.options.log.warn('executing automatic power-fail shutdown through logind (PowerOff)')
    await this.withBus(async (bus) => {
      if (await this.request(bus, 'power-off')) await this.lock?.release()
    })
  }

  async hibernate(): Promise<boolean> {
    return this.sleep(this.options.hybridSleep === true ? 'hybrid-sleep' : 'hibernate')
  }

  async suspend(): Promise<boolean> {
    return this.sleep('suspend')
  }

  /**
   * Asks for a sleep and resolves after the machine has woken up (PrepareForSleep(false)),
   * as a hibernate command would; the lock is let go for the sleep and taken again after.
   */
  private async sleep(operation: LogindOperation): Promise<boolean> {
    this.options.log.warn(`asking logind to ${operation}`)
    return this.withBus(async (bus) => {
      const resume = await watchResume(bus)
      const accepted = await this.request(bus, operation)
      if (!accepted) {
        resume?.stop()
        return false
      }
      const hadLock = this.lock?.held ?? false
      await this.lock?.release()
      const woke = (await resume?.next(this.options.resumeTimeoutMs ?? 86_400_000)) !== undefined
      if (!woke) this.options.log.warn(`no resume signal from logind after ${operation}`)
      if (hadLock) await this.lock?.take()
      return true
    }, false)
  }

  /** Can* then the call; true when logind accepted it. Every failure is one log line. */
  private async request(bus: DbusConnection, operation: LogindOperation): Promise<boolean> {
    const log = this.options.log
    const { method, can, action } = logindOperations[operation]
    const polkitAction = `org.freedesktop.login1.${action}`
    const check = await canDo(bus, operation)
    if (!check.ok) {
      log.error({ error: check.error }, `cannot ask logind ${can}: is systemd-logind running?`)
      return false
    }
    if (check.answer === 'na') {
      log.error(`logind says ${operation} is not available on this machine (${can}: na)`)
      return false
    }
    if (check.answer !== 'yes') {
      // Try anyway: the answer may be stale, and this is the machine's last chance.
      log.warn(
        { answer: check.answer, action: polkitAction },
        `logind says ${can}: ${check.answer}; trying ${method} anyway`,
      )
    }
    const reply = await startOperation(bus, operation)
    if (reply.ok) return true
    if (isRefusal(reply)) {
      log.error(
        { error: reply.errorName, action: polkitAction, uid: process.getuid?.() },
        `polkit refused ${method} (${polkitAction}) to this user; ${polkitAdvice}`,
      )
    } else {
      log.error({ error: reply.errorName, detail: reply.message }, `logind ${method} failed`)
    }
    return false
  }

  private async withBus<T>(use: (bus: DbusConnection) => Promise<T>, fallback?: T): Promise<T> {
    const bus = await openBus({ address: this.options.busAddress, clock: this.options.clock })
    try {
      return await use(bus)
    } catch (error) {
      this.options.log.error({ err: error }, 'logind road failed')
      return fallback as T
    } finally {
      bus.close()
    }
  }
}
