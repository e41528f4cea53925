import { readFileSync } from 'node:fs'
import { createSecureContext, type SecureContext } from 'node:tls'
import type { TlsConfig } from '../config/types.ts'
import { describeSystemError, NutshellError } from '../core/errors.ts'

/**
 * The TLS context for STARTTLS from PEM files. As with NUT's CERTFILE, one file may hold
 * the certificate, its chain and the private key; a separate key file is also accepted.
 */
export function loadSecureContext(config: TlsConfig): SecureContext {
  try {
    const certificate = readFileSync(config.certFile, 'utf8')
    const key = config.keyFile === undefined ? certificate : readFileSync(config.keyFile, 'utf8')
    return createSecureContext({ cert: certificate, key, minVersion: 'TLSv1.2' })
  } catch (error) {
    throw new NutshellError(
      'NS_TLS_CONFIG',
      `cannot load TLS certificate ${config.certFile}${config.keyFile === undefined ? '' : ` / key ${config.keyFile}`}: ${describeSystemError(error)}`,
      { cause: error },
    )
  }
}
