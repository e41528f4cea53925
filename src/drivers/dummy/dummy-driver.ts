/**
 * The built-in dummy-ups driver: replays a `.dev` / `.seq` data file into a device, as
 * Debian's dummy-ups 2.8.0 does (reference: nut-protocol.md section 5; what was observed
 * and where nutshell differs: docs/compatibility.md, "dummy-ups driver").
 *
 * - dummy-once: the file runs to its end once, pausing at each TIMER; afterwards it runs
 *   again from the top whenever its modification time changes. Values set through SET
 *   stay until the file sets them again.
 * - dummy-loop: the file runs from the top, pausing at each TIMER, then again one poll
 *   interval after its end, forever.
 * Every pause goes through the injected clock, so tests replay timelines in virtual time.
 *
 * Communication state: `lost` (upsd: DRIVER-NOT-CONNECTED, as when the real driver exits)
 * until the file has been read, and again while it cannot be read; `ok` otherwise.
 */
import { readFile, stat } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import type { DeviceConfig } from '../../config/types.ts'
import type { TimerHandle } from '../../core/clock.ts'
import { describeError } from '../../core/errors.ts'
import { bindOnce, type Logger, RateLimitedLog } from '../../core/log.ts'
import type { CommandOutcome, DeviceController } from '../../devices/command-result.ts'
import type { Device } from '../../devices/device.ts'
import type { Driver, DriverContext } from '../driver.ts'
import { type DummyStep, parseDummyData, powermanScriptMistake } from './data-file.ts'
import { type DriverSetup, driverSetup } from './driver-setup.ts'
import { type ResolvedMode, resolveMode } from './mode.ts'
import { dummyFlagsFor } from './variable-flags.ts'

/** Variables dummy-ups sets before it reads the file (all writable STRING:32). */
const initialVariables = [
  { name: 'ups.mfr', value: 'Dummy Manufacturer' },
  { name: 'ups.model', value: 'Dummy UPS' },
  { name: 'ups.status', value: 'OL' },
]

/** NUT's driver core copies these ups.* values to device.* once, after start-up. */
const mirrored = ['mfr', 'model', 'serial']

/**
 * When that copy happens: dummy-ups 2.8.0 reads its file up to the first TIMER, updates
 * once at once and once a second later (TIMERs that ran out by then are passed), then the
 * core copies the values. A TIMER of exactly one second is a coin toss in NUT (it counts
 * whole seconds); here the copy comes first.
 */
const mirrorDelayMs = 1000

/** Node's timers hold at most 2^31-1 ms (about 24.8 days); `TIMER 9999999` is longer. */
const maxTimerMs = 2_147_483_647

/** The data file's path: relative paths resolve against the config directory, as NUT does. */
export function dummyDataPath(port: string, configDir: string): string {
  return isAbsolute(port) ? port : join(configDir, port)
}

export class DummyDriver implements Driver {
  readonly path: string
  readonly mode: ResolvedMode
  private readonly setup: DriverSetup
  private readonly device: Device
  private readonly context: DriverContext
  /** Bound to the device: its lines carry `device` once, whoever made the context. */
  private readonly log: Logger
  private readonly failures: RateLimitedLog
  private timer: TimerHandle | undefined
  private mirrorTimer: TimerHandle | undefined
  private stopped = false
  private initialised = false
  private mirroredOnce = false
  private steps: DummyStep[] = []
  private index = 0
  /** Modification time of the version of the file being replayed. */
  private mtimeMs: number | undefined
  private lastText: string | undefined
  private readonly inFlight = new Set<Promise<void>>()

  constructor(config: DeviceConfig, device: Device, context: DriverContext) {
    this.device = device
    this.context = context
    this.log = bindOnce(context.log, { device: device.name })
    this.mode = resolveMode(config.port, config.options['mode'])
    this.setup = driverSetup(config, this.mode.reported)
    this.path = dummyDataPath(config.port, context.configDir)
    this.failures = new RateLimitedLog(context.clock, 3, 60_000)
  }

  async start(): Promise<void> {
    const log = this.log
    if (this.mode.warning !== undefined) log.warn(this.mode.warning)
    for (const warning of this.setup.warnings) log.warn(warning)
    this.device.attachController(this.controller())
    await this.track(this.beginPass())
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.timer?.cancel()
    this.timer = undefined
    this.mirrorTimer?.cancel()
    await this.idle()
    this.device.setCommState('lost')
  }

  /** Resolves once no file read is under way (tests call it after moving a ManualClock). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight])
  }

  // ---- the replay ------------------------------------------------------------------------

  private track(work: Promise<void>): Promise<void> {
    const tracked = work.catch((error: unknown) => {
      this.log.error({ err: describeError(error) }, 'dummy driver failed')
    })
    this.inFlight.add(tracked)
    void tracked.finally(() => this.inFlight.delete(tracked))
    return tracked
  }

  /** Runs `next` after `ms`; waits longer than a timer can hold are taken in slices. */
  private schedule(ms: number, next: () => void): void {
    if (this.stopped) return
    this.timer?.cancel()
    const slice = Math.min(ms, maxTimerMs)
    this.timer = this.context.clock.setTimeout(() => {
      this.timer = undefined
      if (this.stopped) return
      if (ms > slice) this.schedule(ms - slice, next)
      else next()
    }, slice)
  }

  /** Reads the file and replays it from the top. */
  private async beginPass(): Promise<void> {
    const read = await this.readData()
    if (this.stopped) return
    if (read === undefined) {
      this.schedule(this.setup.pollIntervalMs, () => void this.track(this.beginPass()))
      return
    }
    const mistake = powermanScriptMistake(read.text, this.path)
    if (mistake !== undefined) {
      this.device.setCommState('lost')
      if (read.text !== this.lastText) this.log.error({ file: this.path }, mistake)
      this.lastText = read.text
      this.schedule(this.setup.pollIntervalMs, () => void this.track(this.beginPass()))
      return
    }
    if (!this.initialised) {
      this.initialise()
      // Scheduled before the replay's first TIMER, so it runs first when both fall due.
      this.mirrorTimer = this.context.clock.setTimeout(() => this.mirrorOnce(), mirrorDelayMs)
    }
    if (read.text !== this.lastText) this.report(read.text)
    this.lastText = read.text
    this.mtimeMs = read.mtimeMs
    this.steps = parseDummyData(read.text).steps
    this.index = 0
    this.run()
    // After the first lines are in: whatever reacts to "ok" sees the file's data.
    if (!this.stopped) this.device.setCommState('ok')
  }

  /** Applies steps until a TIMER (then waits on the clock) or the end of the file. */
  private run(): void {
    // The lines between two TIMERs are applied in one go, so no client ever sees half of
    // them; ups.status comes last, as NUT drivers commit their status at the end of an
    // update, so whatever reacts to a status change in-process (monitor, rules) sees the
    // values that came with it.
    let status: { name: string; value: string } | undefined
    const commitStatus = (): void => {
      if (status !== undefined) this.apply(status.name, status.value)
      status = undefined
    }
    while (!this.stopped && this.index < this.steps.length) {
      const step = this.steps[this.index++] as DummyStep
      if (step.kind === 'timer') {
        commitStatus()
        this.schedule(step.seconds * 1000, () => this.run())
        return
      }
      if (step.name.toLowerCase() === 'ups.status') status = step
      else this.apply(step.name, step.value)
    }
    commitStatus()
    if (this.stopped) return
    if (this.mode.mode === 'dummy-once') {
      this.schedule(this.setup.pollIntervalMs, () => void this.track(this.checkForChange()))
    } else {
      this.schedule(this.setup.pollIntervalMs, () => void this.track(this.beginPass()))
    }
  }

  /** dummy-once, after the end of the file: replay again only when the file changed. */
  private async checkForChange(): Promise<void> {
    let mtimeMs: number
    try {
      mtimeMs = (await stat(this.path)).mtimeMs
    } catch (error) {
      this.unreadable(error)
      this.schedule(this.setup.pollIntervalMs, () => void this.track(this.beginPass()))
      return
    }
    if (this.stopped) return
    if (mtimeMs !== this.mtimeMs) {
      this.log.info({ file: this.path }, 'data file changed; replaying it')
      await this.beginPass()
      return
    }
    this.device.setCommState('ok')
    this.schedule(this.setup.pollIntervalMs, () => void this.track(this.checkForChange()))
  }

  private async readData(): Promise<{ text: string; mtimeMs: number } | undefined> {
    try {
      const before = await stat(this.path)
      const bytes = await readFile(this.path)
      return {
        text: decode(Uint8Array.from(bytes), this.path, this.context),
        mtimeMs: before.mtimeMs,
      }
    } catch (error) {
      this.unreadable(error)
      return undefined
    }
  }

  private unreadable(error: unknown): void {
    this.device.setCommState('lost')
    const suppressed = this.failures.allow('read')
    if (suppressed < 0) return
    this.log.error(
      { file: this.path, suppressed },
      `cannot read dummy-ups data file ${this.path}: ${describeError(error)}; retrying`,
    )
  }

  private report(text: string): void {
    for (const d of parseDummyData(text).diagnostics) {
      const where = `${this.path}:${d.line}:${d.column}`
      const fields = { file: this.path, line: d.line, column: d.column }
      if (d.severity === 'error') this.log.error(fields, `${where}: ${d.message}`)
      else this.log.warn(fields, `${where}: ${d.message}`)
    }
  }

  // ---- the device ------------------------------------------------------------------------

  /** What the driver shows before the file's first line, as dummy-ups and NUT's core do. */
  private initialise(): void {
    this.initialised = true
    const device = this.device
    // Set before any override, which then keeps their aux (32) and clears their flags.
    for (const { name, value } of initialVariables) {
      device.setValue(name, value)
      device.setFlags(name, { writable: true, kind: 'string' })
      device.setMaxLength(name, 32)
    }
    device.setValue('device.type', 'ups')
    for (const { name, value } of this.setup.driverVariables) device.setValue(name, value)
    for (const { name, value } of this.setup.defaults) device.setValue(name, value)
    for (const { name, value } of this.setup.overrides.values()) {
      device.setValue(name, value)
      device.setFlags(name, { writable: false, kind: 'unspecified' })
    }
    device.addCommand('load.off')
  }

  /**
   * NUT's driver core copies ups.mfr/model/serial to device.* once, after the driver's
   * first updates. In dummy-ups 2.8.0 that copy overwrites a device.* line of the file
   * when the file was read to its end before it (no TIMER), and the file's value comes
   * back only once the file changes; with a TIMER the file is read again after the copy
   * and its value wins. nutshell always serves the file's device.* values (decided and
   * pinned against the real driver: docs/compatibility.md, "dummy-ups driver").
   */
  private mirrorOnce(): void {
    if (this.mirroredOnce) return
    this.mirroredOnce = true
    const setByFile = new Set(
      this.steps.filter((s) => s.kind === 'set').map((s) => s.name.toLowerCase()),
    )
    for (const part of mirrored) {
      const value = this.device.getValue(`ups.${part}`)
      if (value === undefined || setByFile.has(`device.${part}`)) continue
      this.device.setValue(`device.${part}`, value)
    }
  }

  /** One variable write, from the file or from SET, as dummy-ups' setvar does it. */
  private apply(name: string, value: string): void {
    if (this.setup.overrides.has(name.toLowerCase())) return
    const device = this.device
    if (value === '' && name.toLowerCase() !== 'ups.status') {
      device.deleteVariable(name)
      return
    }
    device.setValue(name, value)
    const flags = dummyFlagsFor(name)
    device.setFlags(name, { writable: flags.writable, kind: flags.kind })
    if (flags.kind === 'string') device.setMaxLength(name, flags.maxLength)
    device.lastUpdate = this.context.clock.now()
  }

  private controller(): DeviceController {
    return {
      setVariable: async (name: string, value: string): Promise<CommandOutcome> => {
        if (this.device.getVariable(name) === undefined) return 'ERR INVALID-ARGUMENT'
        this.apply(name, value)
        return 'SUCCESS'
      },
      // dummy-ups registers load.off but answers every command "unknown" (tracking 1).
      instantCommand: async (): Promise<CommandOutcome> => 'ERR UNKNOWN',
    }
  }
}

/** UTF-8 text; a file that is not valid UTF-8 is read as Latin-1, with a warning. */
function decode(bytes: Uint8Array, path: string, context: DriverContext): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    context.log.warn({ file: path }, `${path} is not valid UTF-8; reading it as Latin-1`)
    return Buffer.from(bytes).toString('latin1')
  }
}
