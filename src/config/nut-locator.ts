/**
 * Where the parts of a NUT config directory's configuration are written, for the checks
 * across files (check-system.ts): the files are read again with their positions kept.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  isCompleteSection,
  parseUpsConf,
  parseUpsdConf,
  parseUpsmonConf,
} from '../protocol/nut-config/index.ts'
import type { Locator, Where } from './check-system.ts'

async function text(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch {
    return ''
  }
}

export async function nutLocator(dir: string): Promise<Locator> {
  const file = (name: string) => join(dir, name)
  const [ups, upsd, upsmon] = await Promise.all([
    text(file('ups.conf')).then((t) => parseUpsConf(t, file('ups.conf')).conf),
    text(file('upsd.conf')).then((t) => parseUpsdConf(t, file('upsd.conf')).conf),
    text(file('upsmon.conf')).then((t) => parseUpsmonConf(t, file('upsmon.conf')).conf),
  ])
  const whole = (name: string): Where => ({ file: file(name), line: 0, column: 0 })
  const at = (name: string, p: { line: number; column: number } | undefined): Where =>
    p === undefined ? whole(name) : { file: file(name), line: p.line, column: p.column }
  const devices = ups.sections.filter(isCompleteSection)
  return {
    listen: (i) => at('upsd.conf', upsd.listen[i]?.position),
    monitor: (i) => at('upsmon.conf', upsmon.monitors[i]?.position),
    monitorSection: () => whole('upsmon.conf'),
    devicePort: (i) => at('ups.conf', devices[i]?.keyPositions['port']),
    secretFiles: () => [file('upsd.users'), file('upsmon.conf')],
  }
}
