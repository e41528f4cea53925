/**
 * The jailed child's side of the privileged helper's pipe (docs/privilege.md): the power
 * road and the NOTIFYCMD channel used instead of the in-process ones when the broker runs
 * under `nutshell helper` (`--power-road helper-pipe:3`). Each request is one frame
 * (at most 204 bytes, below PIPE_BUF, so a write is atomic); what the helper does with it
 * is decided by the helper's own configuration, never by anything sent here.
 */
import { writeSync } from 'node:fs'
import { NutshellError } from '../core/errors.ts'
import type { Logger } from '../core/log.ts'
import { encodeFrame } from '../protocol/helper-pipe/frame-encode.ts'
import type { FrameRequest } from '../protocol/helper-pipe/frame-types.ts'
import { helperNotifyChannel } from './channels/helper-notify.ts'
import type { NotifyChannel } from './notify-channel.ts'
import type { PowerRoad } from './power-road.ts'

/** Sends one request; false when it could not be framed or written (logged). */
export type HelperSend = (request: FrameRequest) => boolean

/** A sender on an inherited file descriptor (the helper passes fd 3). */
export function helperPipeSender(fd: number, log: Logger): HelperSend {
  return (request) => {
    const frame = encodeFrame(request)
    if (!frame.ok) {
      log.error({ reason: frame.reason }, 'cannot frame a request for the helper')
      return false
    }
    try {
      writeSync(fd, frame.bytes)
      return true
    } catch (error) {
      log.error({ err: error, fd }, 'cannot write to the helper pipe')
      return false
    }
  }
}

export class HelperPipeRoad implements PowerRoad {
  private readonly send: HelperSend
  private readonly log: Logger

  constructor(send: HelperSend, log: Logger) {
    this.send = send
    this.log = log
  }

  async writePowerDownFlag(): Promise<void> {
    this.send({ kind: 'power', request: 'powerdown-flag', name: '' })
  }

  async shutdown(): Promise<void> {
    this.log.warn('executing automatic power-fail shutdown (asking the helper)')
    this.send({ kind: 'power', request: 'shutdown', name: '' })
  }

  async hibernate(): Promise<boolean> {
    this.log.warn('hibernating (asking the helper)')
    return this.send({ kind: 'power', request: 'hibernate', name: '' })
  }
}

/** What `--power-road SPEC` selects for the monitor; only `helper-pipe:FD` today. */
export interface PowerRoadParts {
  shutdownPort: PowerRoad
  notifyChannels: NotifyChannel[]
}

export function powerRoadFromSpec(spec: string, log: Logger): PowerRoadParts {
  const match = /^helper-pipe:(\d{1,4})$/.exec(spec)
  if (match?.[1] === undefined)
    throw new NutshellError(
      'NS_USAGE',
      `--power-road ${spec}: use helper-pipe:FD (e.g. helper-pipe:3)`,
    )
  const send = helperPipeSender(Number(match[1]), log)
  return {
    shutdownPort: new HelperPipeRoad(send, log),
    notifyChannels: [helperNotifyChannel(send)],
  }
}
