/**
 * Debian's apcupsd, unpacked (never installed: its package conflicts with nut-client and
 * installing it removes NUT). The .deb is fetched once with `apt-get download` into
 * node_modules/.cache/apcupsd and unpacked there with `dpkg -x`; tests run `sbin/apcaccess`
 * and `sbin/apcupsd` from that folder. apcupsd links libusb-0.1, which NUT does not pull
 * in: its package (libusb-0.1-4) is unpacked beside it and found through LD_LIBRARY_PATH.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface ApcupsdPrograms {
  root: string
  apcaccess: string
  apcupsd: string
  /** The environment to run them in (the unpacked libraries on LD_LIBRARY_PATH). */
  env: NodeJS.ProcessEnv
}

const packages = [
  { name: 'apcupsd', marker: join('sbin', 'apcupsd') },
  { name: 'libusb-0.1-4', marker: join('lib', 'x86_64-linux-gnu', 'libusb-0.1.so.4') },
]

const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/apcupsd', import.meta.url))

function must(command: string, args: string[], cwd: string): void {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 })
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`)
}

/** The unpacked programs; downloads and unpacks them on first use. */
export function apcupsdPrograms(): ApcupsdPrograms {
  const root = join(cacheDir, 'root')
  mkdirSync(cacheDir, { recursive: true })
  for (const pkg of packages) {
    if (existsSync(join(root, pkg.marker))) continue
    const pattern = new RegExp(`^${pkg.name.replace(/[.]/g, '\\.')}_.*\\.deb$`)
    let deb = readdirSync(cacheDir).find((f) => pattern.test(f))
    if (deb === undefined) {
      must('apt-get', ['download', pkg.name], cacheDir)
      deb = readdirSync(cacheDir).find((f) => pattern.test(f))
      if (deb === undefined) throw new Error(`apt-get download ${pkg.name} left no .deb`)
    }
    must('dpkg', ['-x', deb, root], cacheDir)
  }
  const libs = join(root, 'lib', 'x86_64-linux-gnu')
  return {
    root,
    apcaccess: join(root, 'sbin', 'apcaccess'),
    apcupsd: join(root, 'sbin', 'apcupsd'),
    env: {
      ...process.env,
      LD_LIBRARY_PATH: [libs, process.env['LD_LIBRARY_PATH']].filter(Boolean).join(':'),
    },
  }
}
