import type { Logger } from '../../../core/log.ts'
import type { Transport } from '../../../protocol/powerman/device-where.ts'
import { coprocessLink } from './coprocess.ts'
import { serialLink } from './serial.ts'
import { tcpLink } from './tcp.ts'
import type { OpenLink } from './transport.ts'

/** The link a `device` line's WHERE/FLAGS describe. */
export function linkFor(transport: Transport, log: Logger): OpenLink {
  switch (transport.kind) {
    case 'tcp':
      return tcpLink(transport.host, transport.port, log, transport.quiet)
    case 'coprocess':
      return coprocessLink(transport.argv, log)
    case 'serial':
      return serialLink(transport)
  }
}
