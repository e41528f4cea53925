import { readFile, rm, writeFile } from 'node:fs/promises'
import { NutshellError } from '../core/errors.ts'

/**
 * `nutshell monitor -c fsd|stop|reload` as upsmon's `-c`: a signal to the running
 * monitor, found through its PID file or given with `-P pid`.
 * fsd → SIGUSR1 (forced shutdown now), stop → SIGTERM, reload → SIGHUP.
 */
export type ControlCommand = 'fsd' | 'stop' | 'reload'

export const controlSignals: Record<ControlCommand, NodeJS.Signals> = {
  fsd: 'SIGUSR1',
  stop: 'SIGTERM',
  reload: 'SIGHUP',
}

export function isControlCommand(word: string): word is ControlCommand {
  return Object.hasOwn(controlSignals, word)
}

export async function writePidFile(path: string, pid = process.pid): Promise<void> {
  await writeFile(path, `${pid}\n`, { mode: 0o644 })
}

export async function removePidFile(path: string): Promise<void> {
  await rm(path, { force: true })
}

export async function readPidFile(path: string): Promise<number> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new NutshellError(
      'NS_USAGE',
      `cannot read the monitor's PID file ${path}: is the monitor running? (or give -P pid)`,
      { cause: error },
    )
  }
  const pid = Number.parseInt(text.trim(), 10)
  if (!Number.isSafeInteger(pid) || pid <= 1) {
    throw new NutshellError('NS_USAGE', `the PID file ${path} does not hold a process id`)
  }
  return pid
}

/** Sends the command's signal; throws a clear error when the process is not there. */
export function signalMonitor(command: ControlCommand, pid: number): void {
  try {
    process.kill(pid, controlSignals[command])
  } catch (error) {
    throw new NutshellError('NS_USAGE', `cannot signal process ${pid}: is the monitor running?`, {
      cause: error,
    })
  }
}
