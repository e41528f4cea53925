/**
 * Serial devices (`/dev/ttyS0` with `"9600,8n1"`): opened raw through the `serialport`
 * package (loaded only when a serial device is configured), with an exclusive lock as
 * powermand takes one (so conman and nutshell do not share a line).
 */
import type { Link, LinkHandlers, OpenLink } from './transport.ts'

export interface SerialSettings {
  path: string
  baud: number
  dataBits: 7 | 8
  parity: 'n' | 'e' | 'o'
  stopBits: 1 | 2
}

const parities = { n: 'none', e: 'even', o: 'odd' } as const

export function serialLink(settings: SerialSettings): OpenLink {
  return (handlers: LinkHandlers): Link => {
    let closed = false
    let port: import('serialport').SerialPort | undefined
    const report = (why: string): void => {
      if (!closed) handlers.closed(why)
      closed = true
    }
    void (async () => {
      let SerialPort: typeof import('serialport').SerialPort
      try {
        ;({ SerialPort } = await import('serialport'))
      } catch (error) {
        report(`serial support is not available: ${(error as Error).message}`)
        return
      }
      if (closed) return
      const p = new SerialPort({
        path: settings.path,
        baudRate: settings.baud,
        dataBits: settings.dataBits,
        parity: parities[settings.parity],
        stopBits: settings.stopBits,
        lock: true,
        autoOpen: false,
      })
      port = p
      p.on('data', (chunk: Buffer) => {
        if (!closed) handlers.data(chunk.toString('latin1'))
      })
      p.on('error', (error) => report(`${settings.path}: ${error.message}`))
      p.on('close', () => report(`${settings.path} closed`))
      p.open((error) => {
        if (error) report(`cannot open ${settings.path}: ${error.message}`)
        else if (!closed) handlers.opened()
      })
    })()
    return {
      write: (text) => {
        if (!closed && port?.isOpen === true) port.write(text, 'latin1')
      },
      close: () => {
        closed = true
        if (port?.isOpen === true) port.close(() => {})
      },
    }
  }
}
