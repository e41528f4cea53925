/**
 * STARTTLS for the client. Loaded only when a server agrees to STARTTLS, so that a plain
 * `nutshell upsc` does not pay for node:tls at start-up.
 *
 * Modes (`tls` option of NutClient):
 * - 'off': never ask (upsrw, upscmd, PyNUT behave so);
 * - 'try': ask; on `ERR …` (upsd without a certificate) carry on in plain text, as upsc,
 *   upsmon and the dummy-ups repeater do. The certificate is not verified unless
 *   `rejectUnauthorized: true` is given: the aim is privacy against passive listeners,
 *   like NUT's clients without CERTVERIFY;
 * - 'require': anything but `OK STARTTLS`, or a failed handshake, is an NS_CLIENT_TLS
 *   error, and the certificate is verified (against `ca`, or the system's store) unless
 *   `rejectUnauthorized: false` is given.
 */
import type { Socket } from 'node:net'
import { isIP } from 'node:net'
import { type TLSSocket, connect as tlsConnect } from 'node:tls'
import type { Clock } from '../core/clock.ts'
import { NutClientError } from './errors.ts'

export type TlsMode = 'off' | 'try' | 'require'

export interface NutTlsOptions {
  /** Trusted CA certificates (PEM). Default: Node's bundled store. */
  ca?: string | Buffer | Array<string | Buffer>
  /** Verify the server's certificate. Default: true in 'require' mode, false in 'try'. */
  rejectUnauthorized?: boolean
  /** Name to check the certificate against (NUT's CERTHOST). Default: the host, if a name. */
  servername?: string
  /** Client certificate and key (PEM), for servers that ask for one. */
  cert?: string | Buffer
  key?: string | Buffer
}

export async function upgradeToTls(
  socket: Socket,
  options: {
    host: string
    tls: TlsMode
    tlsOptions: NutTlsOptions
    connectTimeoutMs: number
    clock: Clock
  },
): Promise<TLSSocket> {
  const { tlsOptions } = options
  const servername = tlsOptions.servername ?? (isIP(options.host) === 0 ? options.host : undefined)
  const rejectUnauthorized = tlsOptions.rejectUnauthorized ?? options.tls === 'require'
  return new Promise((resolve, reject) => {
    const secured = tlsConnect({
      socket,
      rejectUnauthorized,
      ...(servername === undefined ? {} : { servername }),
      ...(tlsOptions.ca === undefined ? {} : { ca: tlsOptions.ca }),
      ...(tlsOptions.cert === undefined ? {} : { cert: tlsOptions.cert }),
      ...(tlsOptions.key === undefined ? {} : { key: tlsOptions.key }),
    })
    const timer = options.clock.setTimeout(() => {
      secured.destroy()
      reject(new NutClientError('NS_CLIENT_TLS', 'TLS handshake timed out'))
    }, options.connectTimeoutMs)
    const onError = (error: Error): void => {
      timer.cancel()
      secured.destroy()
      reject(
        new NutClientError('NS_CLIENT_TLS', `TLS handshake failed: ${error.message}`, {
          cause: error,
        }),
      )
    }
    secured.once('error', onError)
    secured.once('secureConnect', () => {
      timer.cancel()
      secured.off('error', onError)
      secured.setNoDelay(true)
      resolve(secured)
    })
  })
}
