import { existsSync } from 'node:fs'
import type { Notice, NotifyChannel } from '../notify-channel.ts'
import type { CommandRunner } from '../run-command.ts'

// Under Node's permission model (the helper's jail) existsSync throws on a path it may not
// read: the tool is then simply not there (the jail cannot start programs anyway).
const present = (p: string): boolean => {
  try {
    return existsSync(p)
  } catch {
    return false
  }
}
const loggerPath = ['/usr/bin/logger', '/bin/logger'].find(present)
const wallPath = ['/usr/bin/wall', '/bin/wall'].find(present)

/** A channel given as a plain function (tests), or turned off with `false`. */
export type ChannelOverride = ((text: string, type: string) => void) | false

/**
 * SYSLOG: `logger -t nutshell-monitor` when that program exists (the structured log line
 * is written by whoever raised the notice). WALL: `wall` when it exists.
 * Both start on the next turn of the event loop: spawning a child blocks the thread for
 * milliseconds, and NOTIFYCMD and, in a shutdown, SHUTDOWNCMD go first.
 */
export function syslogChannel(
  runner: Pick<CommandRunner, 'run'>,
  override?: ChannelOverride,
): NotifyChannel {
  return toolChannel('SYSLOG', override, runner, loggerPath, (path) => [
    path,
    '-t',
    'nutshell-monitor',
    '-p',
    'daemon.warning',
    '--',
  ])
}

export function wallChannel(
  runner: Pick<CommandRunner, 'run'>,
  override?: ChannelOverride,
): NotifyChannel {
  return toolChannel('WALL', override, runner, wallPath, (path) => [path])
}

function toolChannel(
  name: string,
  override: ChannelOverride | undefined,
  runner: Pick<CommandRunner, 'run'>,
  path: string | undefined,
  argv: (path: string) => string[],
): NotifyChannel {
  return {
    name,
    async deliver(notice: Notice): Promise<void> {
      if (override === false) return
      if (override !== undefined) return override(notice.text, notice.type)
      if (path === undefined) return
      await new Promise((resolve) => setImmediate(resolve))
      await runner.run({
        spec: { argv: argv(path) },
        args: [notice.text],
        label: name === 'WALL' ? 'wall' : 'logger',
        timeoutMs: 5_000,
      })
    },
  }
}
