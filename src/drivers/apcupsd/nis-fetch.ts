/**
 * One `status` request to an apcupsd NIS, as apcupsd's own network clients make it: a new
 * TCP connection per poll, `status`, the records until the empty message, close. Connect
 * and read timeouts as theirs (5 s, 15 s).
 */
import { connect } from 'node:net'
import { type Clock, systemClock, type TimerHandle } from '../../core/clock.ts'
import { encodeNisMessage, NisReader } from '../../protocol/apcupsd-nis/framing.ts'

export interface NisTarget {
  host: string
  port: number
}

export type FetchOutcome = { ok: true; records: string[] } | { ok: false; reason: string }

/** `host`, `host:port` or `[v6]:port`; apcupsd's port 3551 when none is given. */
export function parseNisTarget(port: string): NisTarget | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+))(?::(\d{1,5}))?$/.exec(port.trim())
  if (match === null) return undefined
  const number = match[3] === undefined ? 3551 : Number(match[3])
  if (number < 1 || number > 65535) return undefined
  return { host: (match[1] ?? match[2]) as string, port: number }
}

export function fetchStatus(
  target: NisTarget,
  options: {
    clock?: Clock
    connectTimeoutMs?: number
    readTimeoutMs?: number
    maxRecord?: number
  } = {},
): Promise<FetchOutcome> {
  const clock = options.clock ?? systemClock
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port })
    const reader = new NisReader(options.maxRecord ?? 1024)
    const records: string[] = []
    let settled = false
    const finish = (outcome: FetchOutcome) => {
      if (settled) return
      settled = true
      timer.cancel()
      socket.destroy()
      resolve(outcome)
    }
    let timer: TimerHandle = clock.setTimeout(
      () => finish({ ok: false, reason: 'connect timed out' }),
      options.connectTimeoutMs ?? 5000,
    )
    socket.on('connect', () => {
      timer.cancel()
      timer = clock.setTimeout(
        () => finish({ ok: false, reason: 'no complete answer in time' }),
        options.readTimeoutMs ?? 15_000,
      )
      socket.write(encodeNisMessage('status'))
    })
    socket.on('data', (chunk: Uint8Array) => {
      for (const item of reader.push(chunk)) {
        if (item.kind === 'too-long') {
          finish({ ok: false, reason: `a record of ${item.length} bytes is longer than allowed` })
          return
        }
        if (item.kind === 'end') {
          const first = records[0] ?? ''
          if (first.endsWith('\0'))
            finish({ ok: false, reason: `apcupsd answered: ${first.replace(/[\n\0]+$/, '')}` })
          else if (records.length === 0) finish({ ok: false, reason: 'apcupsd sent no records' })
          else finish({ ok: true, records })
          return
        }
        records.push(new TextDecoder('latin1').decode(item.bytes))
      }
    })
    socket.on('error', (error) => finish({ ok: false, reason: error.message }))
    socket.on('close', () => finish({ ok: false, reason: 'connection closed before the end' }))
  })
}
