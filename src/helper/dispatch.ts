/**
 * What the helper does with a frame: only the fixed table's requests, each with the
 * helper's own settings. A notify frame runs NOTIFYCMD as upsmon does (the message from
 * the helper's own table as the argument, NOTIFYTYPE and UPSNAME in the environment),
 * only when that type's NOTIFYFLAG has EXEC and the name is one of its MONITOR systems
 * (or empty for a host-wide type). Power requests are idempotent: once the shutdown has
 * started, nothing more is done.
 */
import { flagsFor, messageFor, stockMessage } from '../actions/notify-messages.ts'
import { writePowerDownFlagFile } from '../actions/power-road.ts'
import type { CommandRunner } from '../actions/run-command.ts'
import type { CommandSpec } from '../config/types.ts'
import type { Logger } from '../core/log.ts'
import { isNotifyEvent } from '../devices/notify-events.ts'
import type { FrameRequest } from '../protocol/helper-pipe/frame-types.ts'
import type { HelperSettings } from './helper-config.ts'
import type { RateLimit } from './rate-limit.ts'

export interface DispatchCounts {
  carriedOut: number
  refused: number
  ignored: number
}

export interface DispatcherOptions {
  settings: HelperSettings
  /** NOTIFYCMD's runner, and the power commands' own (they never wait behind NOTIFYCMD). */
  runners: {
    notify: Pick<CommandRunner, 'run' | 'idle'>
    power: Pick<CommandRunner, 'run' | 'idle'>
  }
  /** One bucket per power request, one for all notify frames. */
  rates: { power: RateLimit; notify: RateLimit }
  log: Logger
}

export class Dispatcher {
  readonly counts: DispatchCounts = { carriedOut: 0, refused: 0, ignored: 0 }
  /** The power-down flag's write, once asked for: SHUTDOWNCMD starts after it, as in upsmon. */
  private flagWrite: Promise<void> | undefined
  /** Set once SHUTDOWNCMD has started; resolves when it has finished. */
  shutdown: Promise<void> | undefined
  private readonly options: DispatcherOptions
  private readonly settings: HelperSettings
  private readonly log: Logger

  constructor(options: DispatcherOptions) {
    this.options = options
    this.settings = options.settings
    this.log = options.log
  }

  /** Carries out one request (in the background); never throws. */
  handle(request: FrameRequest): void {
    if (request.kind === 'notify') {
      this.notify(request.notifyType, request.name)
      return
    }
    if (!this.options.rates.power.take(request.request)) return
    if (this.shutdown !== undefined) {
      this.counts.ignored++
      return
    }
    switch (request.request) {
      case 'powerdown-flag':
        this.powerDownFlag()
        return
      case 'shutdown':
        this.counts.carriedOut++
        this.shutdown = (this.flagWrite ?? Promise.resolve()).then(() =>
          this.run(this.settings.shutdownCommand, 'SHUTDOWNCMD', [], {}),
        )
        return
      case 'hibernate':
        this.counts.carriedOut++
        void this.run(this.settings.hibernateCommand, 'HIBERNATECMD', [], {})
        return
      case 'suspend':
        this.counts.refused++
        this.log.error('suspend asked for, but no road for it is configured')
        return
    }
  }

  /** Resolves when every command started so far has finished. */
  async settled(): Promise<void> {
    await Promise.all([this.options.runners.notify.idle(), this.options.runners.power.idle()])
  }

  private notify(type: string, name: string): void {
    const { settings } = this
    const hostWide = isNotifyEvent(type) && !stockMessage(type).includes('%s')
    const known = hostWide ? name === '' : settings.systems.has(name)
    if (!isNotifyEvent(type) || !known) {
      // Logged at the 1st, 10th, 100th... refusal: a flooding child cannot flood the log.
      const refused = ++this.counts.refused
      if (Number.isInteger(Math.log10(refused)))
        this.log.warn(
          { notify: type, ups: name, refused },
          'notify frame for a UPS not monitored here',
        )
      return
    }
    if (!flagsFor(type, settings.notifyFlags).includes('EXEC')) {
      this.counts.ignored++
      return
    }
    // Checked first, limited second: frames that are refused anyway cost no tokens.
    if (!this.options.rates.notify.take('notify')) return
    this.counts.carriedOut++
    const text = messageFor(type, name, settings.notifyMessages)
    void this.run(settings.notifyCommand, `NOTIFYCMD ${type}`, [text], {
      NOTIFYTYPE: type,
      UPSNAME: name,
    })
  }

  private powerDownFlag(): void {
    const path = this.settings.powerDownFlag
    if (this.flagWrite !== undefined || path === undefined) {
      this.counts.ignored++
      return
    }
    this.counts.carriedOut++
    this.flagWrite = writePowerDownFlagFile(path).then(
      () => this.log.info({ path }, 'wrote the power-down flag'),
      (error: unknown) => this.log.error({ path, err: error }, 'cannot write the power-down flag'),
    )
  }

  private async run(
    spec: CommandSpec | undefined,
    label: string,
    args: string[],
    env: Record<string, string>,
  ): Promise<void> {
    if (spec === undefined) {
      this.log.error(`${label} asked for, but none is configured`)
      return
    }
    if (label === 'SHUTDOWNCMD') this.log.warn('executing automatic power-fail shutdown')
    const runner = label.startsWith('NOTIFYCMD')
      ? this.options.runners.notify
      : this.options.runners.power
    const result = await runner.run({ spec, args, env, label })
    if (result.code !== 0)
      this.log.error({ code: result.code, err: result.spawnError }, `${label} failed`)
  }
}
