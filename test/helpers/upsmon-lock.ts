import { readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'

/**
 * Debian's upsmon 2.8.0 writes its PID file at a fixed path (/run/nut/upsmon.pid, whatever
 * NUT_ALTPIDPATH says), so two test files must never run real upsmon at once. Tests take
 * this lock (a file created exclusively, holding the owner's PID) around each upsmon run;
 * test/interop/monitor-support.ts takes it for each real upsmon it starts.
 */
const lockPath = join(tmpdir(), 'nutshell-real-upsmon.lock')

export async function withUpsmonLock<T>(body: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  await acquireUpsmonLock(timeoutMs)
  try {
    return await body()
  } finally {
    await releaseUpsmonLock()
  }
}

/**
 * Takes the lock, then waits until no upsmon started elsewhere runs and drops a stale PID
 * file; pair with releaseUpsmonLock (for a real upsmon that lives across calls).
 */
export async function acquireUpsmonLock(timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      // One call, so another test file never sees the lock file empty for long.
      await writeFile(lockPath, String(process.pid), { flag: 'wx' })
      break
    } catch {
      if (await ownerGone()) await rm(lockPath, { force: true })
      else if (Date.now() > deadline) throw new Error('timed out waiting for the upsmon lock')
      else await delay(100)
    }
  }
  // Test files that do not take this lock may still run an upsmon: let it finish first.
  while ((await otherUpsmonRunning()) && Date.now() < deadline) await delay(200)
  await removeStalePidFile()
}

export async function releaseUpsmonLock(): Promise<void> {
  await rm(lockPath, { force: true })
}

/** Debian's compiled-in PID file of upsmon 2.8.0. */
const upsmonPidFile = '/run/nut/upsmon.pid'

/**
 * upsmon refuses to start ("A previous upsmon instance is already running!") while its
 * PID file names any live process. On a busy machine the PID of an upsmon long gone is
 * soon reused by something else: such a file is stale, and is removed.
 */
async function removeStalePidFile(): Promise<void> {
  const pid = Number.parseInt(await readFile(upsmonPidFile, 'utf8').catch(() => ''), 10)
  if (!Number.isSafeInteger(pid) || pid <= 0) return
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined)
  if (command !== undefined && !command.includes('upsmon')) await rm(upsmonPidFile, { force: true })
}

async function otherUpsmonRunning(): Promise<boolean> {
  const { execFile } = await import('node:child_process')
  return new Promise((resolve) => {
    execFile('/usr/bin/pgrep', ['-f', '^/lib/nut/upsmon'], (error) => resolve(error === null))
  })
}

async function ownerGone(): Promise<boolean> {
  try {
    const pid = Number.parseInt(await readFile(lockPath, 'utf8'), 10)
    if (!Number.isSafeInteger(pid) || pid <= 0) return false
    process.kill(pid, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
