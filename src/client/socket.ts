/**
 * Opening the TCP connection as libupsclient does: resolve the host (IP literals skip
 * DNS), then try each address in turn until one accepts, within one overall deadline.
 * Failures carry the system's error name (ECONNREFUSED, ENOTFOUND, ETIMEDOUT).
 */
import { lookup } from 'node:dns/promises'
import { isIP, connect as netConnect, type Socket } from 'node:net'
import type { Clock } from '../core/clock.ts'
import { NutClientError } from './errors.ts'

export interface SocketOptions {
  host: string
  port: number
  family: 0 | 4 | 6
  connectTimeoutMs: number
  clock: Clock
}

function systemCodeOf(error: unknown): string | undefined {
  if (error instanceof NutClientError) return error.systemCode
  if (typeof error !== 'object' || error === null) return undefined
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

/** Resolves the host and tries each address in turn, as libupsclient does. */
export async function openSocket(options: SocketOptions): Promise<Socket> {
  const where = `${options.host}:${options.port}`
  let addresses: Array<{ address: string; family: number }>
  const literal = isIP(options.host)
  try {
    addresses =
      literal !== 0
        ? [{ address: options.host, family: literal }]
        : await lookup(options.host, { all: true, family: options.family })
  } catch (error) {
    throw new NutClientError('NS_CLIENT_CONNECT', `cannot resolve ${options.host}`, {
      cause: error,
      systemCode: systemCodeOf(error) ?? 'ENOTFOUND',
    })
  }
  let last: unknown
  const deadline = options.clock.now() + options.connectTimeoutMs
  for (const { address, family } of addresses) {
    const remaining = deadline - options.clock.now()
    if (remaining <= 0) break
    try {
      return await connectOne(address, family, options.port, remaining, options.clock)
    } catch (error) {
      last = error
    }
  }
  const code = systemCodeOf(last) ?? (addresses.length === 0 ? 'ENOTFOUND' : 'ETIMEDOUT')
  throw new NutClientError('NS_CLIENT_CONNECT', `cannot connect to ${where}: ${code}`, {
    cause: last,
    systemCode: code,
  })
}

function connectOne(
  address: string,
  family: number,
  port: number,
  timeoutMs: number,
  clock: Clock,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address, port, family, autoSelectFamily: false })
    const timer = clock.setTimeout(() => {
      socket.destroy()
      reject(
        new NutClientError('NS_CLIENT_CONNECT', `connect to ${address} timed out`, {
          systemCode: 'ETIMEDOUT',
        }),
      )
    }, timeoutMs)
    socket.once('connect', () => {
      timer.cancel()
      socket.off('error', onError)
      socket.setNoDelay(true)
      resolve(socket)
    })
    const onError = (error: Error): void => {
      timer.cancel()
      socket.destroy()
      reject(error)
    }
    socket.once('error', onError)
  })
}
