import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface TestCertificate {
  /** Paths of the PEM files: the key, the certificate, and both in one file (NUT's CERTFILE). */
  keyFile: string
  certFile: string
  bothFile: string
  key: string
  cert: string
}

/**
 * A throw-away self-signed certificate for `localhost` (and 127.0.0.1), made with openssl
 * in `dir` for this test run only. An EC key keeps it fast. `name` tells apart several
 * certificates in one folder: its files are then `<name>-key.pem`, `<name>-cert.pem` and
 * `<name>-both.pem`.
 */
export function makeTestCertificate(dir: string, name?: string): TestCertificate {
  const file = (kind: string) =>
    join(dir, name === undefined ? `${kind}.pem` : `${name}-${kind}.pem`)
  const keyFile = file('key')
  const certFile = file('cert')
  const bothFile = file('both')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  )
  const key = readFileSync(keyFile, 'utf8')
  const cert = readFileSync(certFile, 'utf8')
  writeFileSync(bothFile, cert + key)
  return { keyFile, certFile, bothFile, key, cert }
}
