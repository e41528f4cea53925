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
 * in `dir` for this test run only. An EC key keeps it fast.
 */
export function makeTestCertificate(dir: string): TestCertificate {
  const keyFile = join(dir, 'key.pem')
  const certFile = join(dir, 'cert.pem')
  const bothFile = join(dir, 'both.pem')
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
