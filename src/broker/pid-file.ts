import { readFile, rm, writeFile } from 'node:fs/promises'
import { NutshellError } from '../core/errors.ts'

/**
 * The PID file of every long-running command (`upsd.pid`, `nutshell-monitor.pid`, or
 * `--pid-file`), and `-c` as upsd and upsmon have it: a signal to the running process,
 * found through its PID file or given with `-P pid`. The daemon loop (daemon.ts) writes
 * the file once its signal handlers are in place and removes it when it stops.
 */
export type ControlCommand = 'fsd' | 'stop' | 'reload'

/** fsd → SIGUSR1 (forced shutdown now), stop → SIGTERM, reload → SIGHUP. */
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

/** `who` names the program in the message (default "the monitor"). */
export async function readPidFile(path: string, who = 'the monitor'): Promise<number> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new NutshellError(
      'NS_NOT_RUNNING',
      `cannot read the PID file ${path}: is ${who} running? (or give -P pid)`,
      { cause: error },
    )
  }
  const pid = Number.parseInt(text.trim(), 10)
  if (!Number.isSafeInteger(pid) || pid <= 1) {
    throw new NutshellError('NS_NOT_RUNNING', `the PID file ${path} does not hold a process id`)
  }
  return pid
}

/** Sends the command's signal; throws a clear error when the process is not there. */
export function signalDaemon(command: ControlCommand, pid: number, who = 'the monitor'): void {
  try {
    process.kill(pid, controlSignals[command])
  } catch (error) {
    throw new NutshellError('NS_NOT_RUNNING', `cannot signal process ${pid}: is ${who} running?`, {
      cause: error,
    })
  }
}
