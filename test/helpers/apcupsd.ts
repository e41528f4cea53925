/**
 * Debian's apcupsd, unpacked (never installed: its package conflicts with nut-client and
 * installing it removes NUT). The .deb is fetched once with `apt-get download` into
 * node_modules/.cache/apcupsd and unpacked there with `dpkg -x`; tests run `sbin/apcaccess`
 * and `sbin/apcupsd` from that folder.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface ApcupsdPrograms {
  root: string
  apcaccess: string
  apcupsd: string
}

const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/apcupsd', import.meta.url))

function must(command: string, args: string[], cwd: string): void {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 })
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`)
}

/** The unpacked programs; downloads and unpacks them on first use. */
export function apcupsdPrograms(): ApcupsdPrograms {
  const root = join(cacheDir, 'root')
  const programs = {
    root,
    apcaccess: join(root, 'sbin', 'apcaccess'),
    apcupsd: join(root, 'sbin', 'apcupsd'),
  }
  if (existsSync(programs.apcaccess) && existsSync(programs.apcupsd)) return programs
  mkdirSync(cacheDir, { recursive: true })
  let deb = readdirSync(cacheDir).find((f) => /^apcupsd_.*\.deb$/.test(f))
  if (deb === undefined) {
    must('apt-get', ['download', 'apcupsd'], cacheDir)
    deb = readdirSync(cacheDir).find((f) => /^apcupsd_.*\.deb$/.test(f))
    if (deb === undefined) throw new Error('apt-get download apcupsd left no .deb')
  }
  must('dpkg', ['-x', deb, root], cacheDir)
  return programs
}
