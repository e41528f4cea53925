import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './ports.ts'
import { ProcessGroup, run } from './processes.ts'
import { canConnect, waitFor } from './wait.ts'

/**
 * Debian's real NUT 2.8.0 programs as test peers (reference: nut-protocol.md section 6).
 * The wrappers in /usr/sbin do nothing under Debian's MODE=none, so the real binaries in
 * /lib/nut are run directly; as root they are told to stay root (`-u root`).
 */
export const nutBinaries = {
  upsd: '/lib/nut/upsd',
  upsmon: '/lib/nut/upsmon',
  dummyUps: '/lib/nut/dummy-ups',
  upsc: '/usr/bin/upsc',
  upsrw: '/usr/bin/upsrw',
  upscmd: '/usr/bin/upscmd',
  upssched: '/usr/sbin/upssched',
  python3: '/usr/bin/python3',
} as const

export interface NutDir {
  /** Base directory (short, so socket paths stay under 108 bytes). */
  base: string
  /** NUT_CONFPATH */
  etc: string
  /** NUT_STATEPATH and NUT_ALTPIDPATH */
  run: string
  env: NodeJS.ProcessEnv
  /**
   * Writes (or rewrites) a file under etc/ and returns its path; for files whose text names
   * the directory itself, or that a test changes. Mode 0640 as NUT's files, unless given.
   */
  write(name: string, content: string, mode?: number): Promise<string>
  cleanup(): Promise<void>
}

/**
 * A private NUT config tree holding `files` (name → content) under etc/: every test that
 * runs a NUT program (or nutshell from NUT_CONFPATH) builds its directory here.
 */
export async function createNutDir(files: Record<string, string> = {}): Promise<NutDir> {
  const base = await mkdtemp(join(tmpdir(), 'ns-'))
  const etc = join(base, 'etc')
  const run = join(base, 'run')
  await mkdir(etc)
  await mkdir(run)
  await chmod(run, 0o770)
  const write = async (name: string, content: string, mode = 0o640): Promise<string> => {
    const path = join(etc, name)
    await writeFile(path, content, { mode })
    await chmod(path, mode) // writeFile's mode applies only when it creates the file
    return path
  }
  for (const [name, content] of Object.entries(files)) await write(name, content)
  const env = { ...process.env, NUT_CONFPATH: etc, NUT_STATEPATH: run, NUT_ALTPIDPATH: run }
  return { base, etc, run, env, write, cleanup: () => rm(base, { recursive: true, force: true }) }
}

export interface RealNut {
  dir: NutDir
  port: number
  processes: ProcessGroup
  stop(): Promise<void>
}

/**
 * Starts real dummy-ups drivers for `upsNames` (sections of the ups.conf in `files`), then
 * real upsd on a free port. upsd.conf is written here (LISTEN 127.0.0.1 <port>) unless
 * `files` has one, in which case `port` must be given.
 */
export async function startRealNut(
  files: Record<string, string>,
  upsNames: readonly string[],
  options: { port?: number; extraUpsdConf?: string } = {},
): Promise<RealNut> {
  const port = options.port ?? (await freePort())
  // upsd refuses to start without an upsd.users file.
  const all: Record<string, string> = { 'upsd.users': '', ...files }
  if (all['upsd.conf'] === undefined) {
    all['upsd.conf'] = `LISTEN 127.0.0.1 ${port}\n${options.extraUpsdConf ?? ''}`
  }
  const dir = await createNutDir(all)
  const processes = new ProcessGroup()
  try {
    for (const name of upsNames) {
      processes.start(
        `driver-${name}`,
        nutBinaries.dummyUps,
        ['-a', name, '-u', 'root', '-F'],
        dir.env,
      )
      await waitFor(() => existsSync(join(dir.run, `dummy-ups-${name}`)), {
        what: `dummy-ups socket for ${name}`,
      })
    }
    processes.start('upsd', nutBinaries.upsd, ['-u', 'root', '-F'], dir.env)
    await waitFor(() => canConnect(port), { what: `real upsd on port ${port}` })
    // upsd serves WAIT until it has read each driver's dump, and dummy-ups
    // reads its data file only on its first update.
    for (const name of upsNames) {
      await waitFor(
        async () => {
          const result = await run(nutBinaries.upsc, [`${name}@127.0.0.1:${port}`])
          const seen = new Set(result.stdout.split('\n').map((line) => line.split(':')[0]))
          return result.code === 0 && expectedVariables(all, name).every((v) => seen.has(v))
        },
        { what: `upsd serving ${name}` },
      )
    }
  } catch (error) {
    // A peer that never came up must not outlive the test that started it.
    await processes.stopAll()
    await dir.cleanup()
    const output = upsNames.map((n) => processes.outputOf(`driver-${n}`)).join('')
    throw new Error(`${(error as Error).message}\n${output}${processes.outputOf('upsd')}`, {
      cause: error,
    })
  }
  return {
    dir,
    port,
    processes,
    async stop() {
      await processes.stop('upsd')
      await processes.stopAll()
      await dir.cleanup()
    },
  }
}

/**
 * The variables a dummy-ups data file sets before its first TIMER: dummy-ups reads its file
 * only on its first update, after upsd already serves the built-in defaults.
 */
function expectedVariables(files: Record<string, string>, ups: string): string[] {
  const section = new RegExp(`\\[${ups}\\]([^[]*)`).exec(files['ups.conf'] ?? '')?.[1] ?? ''
  const port = /port\s*=\s*"?([^"\s]+)/.exec(section)?.[1]
  const data = port === undefined ? undefined : files[port]
  if (data === undefined) return []
  const names: string[] = []
  for (const line of data.split('\n')) {
    if (/^\s*TIMER\b/.test(line)) break
    const match = /^\s*([\w.-]+):\s*(.*)$/.exec(line)
    // An empty value deletes the variable in dummy-ups: nothing to wait for.
    const empty = match?.[2] === undefined || /^("")?\s*$/.test(match[2])
    if (match?.[1] !== undefined && !match[1].startsWith('driver.') && !empty) names.push(match[1])
  }
  return names
}
