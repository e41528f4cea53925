/** STARTTLS: the in-band upgrade to TLS. The session does the handshake after the reply. */
import { lineReply } from '../../protocol/net-reply.ts'
import { fail } from './replies.ts'
import type { CommandFamily } from './types.ts'

export const tlsCommands: CommandFamily = {
  STARTTLS: {
    needsCredentials: false,
    // upsd ignores arguments here.
    run(_args, { session, server }) {
      if (session.tls) return fail('ALREADY-SSL-MODE')
      if (!server.tlsAvailable) return fail('FEATURE-NOT-CONFIGURED')
      return { text: lineReply('OK STARTTLS'), after: 'starttls' }
    },
  },
}
