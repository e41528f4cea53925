/**
 * The helper-socket power road, client side: the unprivileged monitor's way to power the
 * machine off through the privileged helper's group-locked socket (group-socket.ts).
 * Each call is one frame of the helper pipe's codec on a fresh connection, answered by
 * one byte (ACK carried out, NAK not); what the helper runs is its own configuration.
 */
import { connect } from 'node:net'
import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/log.ts'
import { encodeFrame } from '../../protocol/helper-pipe/frame-encode.ts'
import type { PowerRequest } from '../../protocol/helper-pipe/frame-types.ts'
import type { PowerRoad } from '../power-road.ts'
import { ack } from './group-socket.ts'

export interface HelperSocketRoadOptions {
  log: Logger
  clock: Clock
  path: string
  /** The name carried in the frame (the helper may check it against its configuration). */
  name?: string
  /** How long to wait for the helper's answer (default 10 minutes: SHUTDOWNCMD's time). */
  timeoutMs?: number
}

export type AskResult = 'done' | 'refused' | 'unreachable'

export class HelperSocketPowerRoad implements PowerRoad {
  private readonly options: HelperSocketRoadOptions

  constructor(options: HelperSocketRoadOptions) {
    this.options = options
  }

  async writePowerDownFlag(): Promise<void> {
    await this.report('powerdown-flag')
  }

  async shutdown(): Promise<void> {
    this.options.log.warn('executing automatic power-fail shutdown through the helper socket')
    await this.report('shutdown')
  }

  async hibernate(): Promise<boolean> {
    return (await this.report('hibernate')) === 'done'
  }

  async suspend(): Promise<boolean> {
    return (await this.report('suspend')) === 'done'
  }

  private async report(request: PowerRequest): Promise<AskResult> {
    const result = await this.ask(request)
    if (result === 'refused')
      this.options.log.error(`the helper did not carry out '${request}' (see the helper's log)`)
    return result
  }

  /** Sends one request and waits for its answer byte. */
  ask(request: PowerRequest): Promise<AskResult> {
    const { log, clock, path } = this.options
    const frame = encodeFrame({ kind: 'power', request, name: this.options.name ?? '' })
    if (!frame.ok) {
      log.error({ reason: frame.reason }, 'cannot encode the helper request')
      return Promise.resolve('refused')
    }
    return new Promise((resolve) => {
      const socket = connect(path)
      let settled = false
      const finish = (result: AskResult, why?: string) => {
        if (settled) return
        settled = true
        timer.cancel()
        socket.destroy()
        if (result === 'unreachable')
          log.error(
            { path, why },
            `cannot reach the helper socket ${path}: is the helper running, and is this user in its group?`,
          )
        resolve(result)
      }
      const timer = clock.setTimeout(
        () => finish('unreachable', 'no answer in time'),
        this.options.timeoutMs ?? 600_000,
      )
      socket.once('connect', () => socket.write(frame.bytes))
      socket.once('data', (chunk: Buffer) => finish(chunk[0] === ack ? 'done' : 'refused'))
      socket.once('error', (error) => finish('unreachable', error.message))
      socket.once('close', () => finish('unreachable', 'closed by the helper (peer refused?)'))
    })
  }
}
