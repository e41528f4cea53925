/**
 * TCP devices (`host:port`): every resolved address is tried in turn, and input goes
 * through powermand's telnet filter (answers to DO, IAC IAC unescaped), raw TCP devices
 * included, as powermand does.
 */
import { lookup } from 'node:dns/promises'
import { connect, type Socket } from 'node:net'
import type { Logger } from '../../../core/log.ts'
import { TelnetFilter } from './telnet.ts'
import type { Link, LinkHandlers, OpenLink } from './transport.ts'

export function tcpLink(host: string, port: number, log: Logger, quiet = false): OpenLink {
  return (handlers: LinkHandlers): Link => {
    let socket: Socket | undefined
    let closed = false
    const filter = new TelnetFilter()
    const attempt = async (): Promise<void> => {
      let addresses: string[]
      try {
        addresses = (await lookup(host, { all: true })).map((a) => a.address)
      } catch (error) {
        handlers.closed(`cannot resolve ${host}: ${(error as Error).message}`)
        return
      }
      let last = 'no address'
      for (const address of addresses) {
        if (closed) return
        const outcome = await tryOne(address)
        if (outcome === undefined) return
        last = outcome
      }
      if (!closed) handlers.closed(`cannot connect to ${host}:${port}: ${last}`)
    }
    /** undefined once connected (the socket then reports for itself), else why not. */
    const tryOne = (address: string): Promise<string | undefined> =>
      new Promise((resolve) => {
        const s = connect({ host: address, port })
        socket = s
        s.setNoDelay(true)
        s.once('error', (error) => resolve(error.message))
        s.once('connect', () => {
          s.removeAllListeners('error')
          s.on('error', () => {})
          s.on('data', (chunk: Buffer) => {
            const out = filter.feed(chunk.toString('latin1'))
            if (out.reply !== '') s.write(out.reply, 'latin1')
            if (!quiet && out.ignored.length > 0)
              log.debug({ options: out.ignored }, 'ignoring telnet option')
            if (out.data !== '') handlers.data(out.data)
          })
          s.once('close', () => {
            if (!closed) handlers.closed(`${host}:${port} closed the connection`)
          })
          handlers.opened()
          resolve(undefined)
        })
      })
    void attempt()
    return {
      write: (text) => {
        socket?.write(text, 'latin1')
      },
      close: () => {
        closed = true
        socket?.destroy()
      },
    }
  }
}
