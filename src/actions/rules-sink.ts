import type { CommandSpec } from '../config/types.ts'
import type { Clock } from '../core/clock.ts'
import type { Logger } from '../core/log.ts'
import type { DeviceStore } from '../devices/device-store.ts'
import { validateSet } from '../devices/set-validation.ts'
import type { ActionRequest, ActionSink } from '../rules/action-sink.ts'
import { notifyChannels } from './channels/index.ts'
import type { NotifyChannel } from './notify-channel.ts'
import type { CommandRunner } from './run-command.ts'
import { postWebhook } from './webhook.ts'

/** The parts of the broker a rule's actions reach. */
export interface RulesSinkOptions {
  store: DeviceStore
  clock: Clock
  log: Logger
  /** Runs `exec` actions and NOTIFYCMD for `notify` (bounded, never a shell for exec). */
  runner: CommandRunner
  /** NOTIFYCMD, run for every `notify` with NOTIFYTYPE=RULE and the text as argument. */
  notifyCommand?: CommandSpec | undefined
  /** Webhooks every `notify` is posted to. */
  notifyWebhooks?: readonly string[]
  /** Service channels (notify.channels); those whose events take RULE get every `notify`. */
  serviceChannels?: readonly NotifyChannel[]
  /** The monitor's shutdown path (forced shutdown, as `nutshell monitor -c fsd`). */
  shutdown?: (() => Promise<void>) | undefined
  /** The monitor's hibernate path. */
  hibernate?: (() => Promise<void>) | undefined
}

/**
 * Carries out what rules ask for. Nothing here blocks the evaluator: every slow action
 * (children, HTTP, driver commands) runs in the background and reports to the log.
 * `shutdown` and `hibernate` never call the system directly: they go to the monitor.
 */
export class RulesSink implements ActionSink {
  private readonly options: RulesSinkOptions
  private readonly channels: readonly NotifyChannel[]

  constructor(options: RulesSinkOptions) {
    this.options = options
    const { notifyCommand, notifyWebhooks = [], runner, clock, log } = options
    // A rule's notify goes to NOTIFYCMD only when one is set (no EXEC flag to warn about).
    this.channels = notifyChannels({
      clock,
      log,
      runner,
      notifyCommand,
      webhooks: notifyWebhooks,
    })
      .filter((c) => c.name === 'webhook' || (c.name === 'EXEC' && notifyCommand !== undefined))
      .concat((options.serviceChannels ?? []).filter((c) => c.accepts?.('RULE') === true))
  }

  run(request: ActionRequest): void {
    const { log } = this.options
    const where = { rule: request.rule, device: request.device }
    switch (request.action) {
      case 'notify':
        log.info({ ...where, event: request.event }, request.text)
        this.notifyChannels(request.device, request.text)
        return
      case 'log':
        log.info(where, request.text)
        return
      case 'exec': {
        const [program, ...args] = request.argv
        if (program === undefined) return
        this.background(
          this.options.runner.run({
            spec: { argv: [program, ...args] },
            env: request.env,
            label: `rule exec ${program}`,
            ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
          }),
          where,
          'exec',
        )
        return
      }
      case 'webhook':
        this.background(
          postWebhook(request.url, request.payload, { clock: this.options.clock, log }),
          where,
          'webhook',
        )
        return
      case 'instcmd': {
        const device = this.options.store.get(request.device)
        if (device === undefined) {
          log.warn(where, 'instcmd: no such device')
          return
        }
        this.background(
          device.requestInstantCommand(request.command, request.parameter).then((outcome) => {
            log.info({ ...where, command: request.command, outcome }, 'rule instcmd')
          }),
          where,
          'instcmd',
        )
        return
      }
      case 'set': {
        const device = this.options.store.get(request.device)
        if (device === undefined) {
          log.warn(where, 'set: no such device')
          return
        }
        const refusal = validateSet(device, request.variable, request.value)
        if (refusal !== undefined) {
          log.warn({ ...where, variable: request.variable, refusal }, 'rule set refused')
          return
        }
        this.background(
          device.requestSet(request.variable, request.value).then((outcome) => {
            log.info({ ...where, variable: request.variable, outcome }, 'rule set')
          }),
          where,
          'set',
        )
        return
      }
      case 'fsd':
        this.options.store.get(request.device)?.latchFsd()
        log.warn(where, 'rule set forced shutdown (FSD) on the device')
        return
      case 'shutdown':
        if (this.options.shutdown === undefined) {
          log.error(where, 'rule asked for shutdown but no monitor is configured')
          return
        }
        this.background(this.options.shutdown(), where, 'shutdown')
        return
      case 'hibernate':
        if (this.options.hibernate === undefined) {
          log.error(where, 'rule asked for hibernate but no monitor hibernate command is set')
          return
        }
        this.background(this.options.hibernate(), where, 'hibernate')
        return
      case 'start-timer':
      case 'cancel-timer':
        log.debug({ ...where, timer: request.timer }, `rule ${request.action}`)
        return
    }
  }

  /** A rule's `notify`: NOTIFYCMD (when set) with NOTIFYTYPE=RULE, and every webhook. */
  private notifyChannels(device: string, text: string): void {
    for (const channel of this.channels) {
      this.background(channel.deliver({ type: 'RULE', ups: device, text }), { device }, 'notify')
    }
  }

  private background(work: Promise<unknown>, where: object, what: string): void {
    work.catch((error: unknown) =>
      this.options.log.error({ ...where, err: error }, `${what} failed`),
    )
  }
}
