import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { NutTlsOptions, TlsMode } from '../client/tls.ts'
import type { MonitoredUps, MonitorTlsConfig } from '../config/types.ts'

/**
 * upsmon.conf's TLS settings for one MONITOR line, as the NUT client takes them:
 * - STARTTLS is always tried (upsmon does); `FORCESSL 1`, or `CERTHOST <host> <name> <verify>
 *   1` for this host, makes it required;
 * - `CERTVERIFY 1`, or the CERTHOST verify flag for this host, verifies the certificate
 *   against the CA certificates of `CERTPATH` (PEM files; NSS databases are not read);
 * - CERTHOST's certificate name is the name the certificate must carry (TLS server name).
 */
export interface LinkTls {
  mode: TlsMode
  options: NutTlsOptions
}

export function linkTls(
  monitor: Pick<MonitoredUps, 'host'>,
  tls: MonitorTlsConfig | undefined,
  ca: readonly string[] | undefined,
): LinkTls {
  const host = tls?.certHosts?.find((h) => h.host.toLowerCase() === monitor.host.toLowerCase())
  const verify = host?.verify ?? tls?.certVerify ?? false
  const force = host?.force === true || tls?.forceSsl === true
  const options: NutTlsOptions = { rejectUnauthorized: verify }
  if (host !== undefined) options.servername = host.certName
  if (ca !== undefined && ca.length > 0) options.ca = [...ca]
  return { mode: force ? 'require' : 'try', options }
}

/** The PEM certificates of CERTPATH: the file itself, or every .pem/.crt file in the directory. */
export async function readCertPath(path: string): Promise<string[]> {
  const info = await stat(path)
  if (!info.isDirectory()) return [await readFile(path, 'utf8')]
  const names = (await readdir(path)).filter((n) => /\.(pem|crt)$/i.test(n)).sort()
  return Promise.all(names.map((n) => readFile(join(path, n), 'utf8')))
}
