import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { run } from './processes.ts'

/**
 * The built JavaScript (dist/), for tests that run code under Node's permission model
 * (the helper's jailed child cannot load TypeScript through tsx: tsx needs to write its
 * cache and spawn esbuild). Builds when any source is newer than the build; one build at
 * a time across test files (a lock directory).
 */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
export const builtMain = join(repoRoot, 'dist', 'cli', 'main.js')
const lock = join(repoRoot, 'dist.building')

async function newest(dir: string): Promise<number> {
  let latest = 0
  for (const name of await readdir(dir, { recursive: true })) {
    if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue
    latest = Math.max(latest, (await stat(join(dir, name))).mtimeMs)
  }
  return latest
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export async function ensureBuilt(): Promise<void> {
  for (let waited = 0; ; waited += 200) {
    try {
      await mkdir(lock)
      await writeFile(join(lock, 'pid'), String(process.pid))
      break
    } catch {
      // A builder that was killed leaves its lock: take it over once its process is gone.
      const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => '0'))
      if (owner > 0 && !alive(owner)) await rm(lock, { recursive: true, force: true })
      if (waited > 120_000) throw new Error(`${lock} held for 2 minutes`)
      await delay(200)
    }
  }
  try {
    const built = await stat(builtMain).then(
      (s) => s.mtimeMs,
      () => 0,
    )
    if (built >= (await newest(join(repoRoot, 'src')))) return
    const result = await run(
      process.execPath,
      [
        join(repoRoot, 'node_modules/typescript/bin/tsc'),
        '-p',
        join(repoRoot, 'tsconfig.build.json'),
      ],
      { timeoutMs: 120_000 },
    )
    if (result.code !== 0)
      throw new Error(`npm run build failed:\n${result.stdout}${result.stderr}`)
  } finally {
    await rm(lock, { recursive: true, force: true })
  }
}
