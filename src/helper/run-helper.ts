/**
 * `nutshell helper`: the only nutshell process that keeps privilege (docs/privilege.md).
 * It reads its own configuration, starts `serve` or `monitor` as an unprivileged child in
 * the jail with one end of a pipe, and carries out only valid frames from it, with its
 * own settings and at a bounded rate. After SHUTDOWNCMD it waits for the child to finish
 * and exits, as upsmon's root parent does.
 */
import { constants, existsSync } from 'node:fs'
import { chown, open, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { clearPowerDownFlag } from '../actions/power-road.ts'
import { CommandRunner } from '../actions/run-command.ts'
import { configToYaml } from '../config/to-yaml.ts'
import type { Clock } from '../core/clock.ts'
import { NutshellError } from '../core/errors.ts'
import type { Logger } from '../core/log.ts'
import { isRoot, lookupUser, type ServiceUser } from '../core/users.ts'
import { superviseChild } from './child.ts'
import { Dispatcher } from './dispatch.ts'
import type { HelperConfig } from './helper-config.ts'
import { builtEntry, jailCommand, packageRoot } from './jail.ts'
import { RateLimit } from './rate-limit.ts'

export interface HelperRun {
  config: HelperConfig
  mode: 'serve' | 'monitor'
  stateDir: string
  /** bwrap's path, or undefined when it is not installed. */
  bwrap: string | undefined
  /** Test only: the child runs this script (in the same jail) instead of nutshell. */
  childScript?: string | undefined
  /** Passed on to the child (log level and format). */
  childArgs: readonly string[]
  clock: Clock
  log: Logger
}

/** The child's file: the helper's configuration without what only the helper does. */
const childConfigName = 'nutshell-helper-child.yaml'

export async function runHelper(run: HelperRun): Promise<number> {
  const { config, log, clock, stateDir } = run
  const user = serviceUser(config.settings.user)
  const flag = config.settings.powerDownFlag
  if (flag !== undefined && (await clearPowerDownFlag(flag)))
    log.info({ path: flag }, 'removed a left-over power-down flag')

  const childFile = join(stateDir, childConfigName)
  await writeChildConfig(childFile, configToYaml(config.child), user)
  const entry = builtEntry()
  if (run.childScript === undefined && !existsSync(entry))
    throw new NutshellError('NS_USAGE', `${entry} is missing: build nutshell first (npm run build)`)
  const jail = jailCommand({
    bwrap: run.bwrap,
    node: process.execPath,
    codeDir: packageRoot(),
    stateDir,
    reads: [...config.childReads, ...(run.childScript === undefined ? [] : [run.childScript])],
    script: run.childScript ?? entry,
    args:
      run.childScript !== undefined
        ? []
        : [
            run.mode,
            '--config',
            childFile,
            '--power-road',
            'helper-pipe:3',
            ...(run.mode === 'monitor'
              ? ['--pid-file', join(stateDir, 'nutshell-monitor.pid')]
              : []),
            ...run.childArgs,
          ],
  })

  const rates = { power: new RateLimit(clock, 2, 0.2), notify: new RateLimit(clock, 10, 2) }
  const dispatcher = new Dispatcher({
    settings: config.settings,
    runners: {
      notify: new CommandRunner({ clock, log }),
      power: new CommandRunner({ clock, log, maxConcurrent: 1, timeoutMs: 600_000 }),
    },
    rates,
    log,
  })
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], NUT_STATEPATH: stateDir }
  for (const name of ['NUTSHELL_LOG_LEVEL', 'NUTSHELL_LOG_FORMAT', 'NODE_NO_WARNINGS'])
    if (process.env[name] !== undefined) env[name] = process.env[name]
  const supervisor = superviseChild({
    ...jail,
    env,
    uid: user?.uid,
    gid: user?.gid,
    clock,
    log,
    onRequest: (request) => dispatcher.handle(request),
    restartAfterExit: () => dispatcher.shutdown === undefined,
  })
  log.info(
    {
      mode: run.mode,
      user: user?.name ?? 'unchanged',
      jail: run.bwrap === undefined ? 'permission model' : 'bubblewrap + permission model',
      pid: supervisor.current?.pid,
    },
    `nutshell helper started its ${run.mode} child as ${user?.name ?? 'this user'}`,
  )
  const stop = (): void => supervisor.stop()
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  await supervisor.done
  await dispatcher.shutdown
  await dispatcher.settled()
  process.off('SIGTERM', stop)
  process.off('SIGINT', stop)
  const counts = { ...dispatcher.counts, rateDropped: rates.power.dropped + rates.notify.dropped }
  log.info(counts, 'nutshell helper stopped')
  return 0
}

/** Root starts the child as RUN_AS_USER / runAsUser, else nut; never as root. */
function serviceUser(name: string | undefined): ServiceUser | undefined {
  if (!isRoot()) return undefined
  const user = lookupUser(name ?? 'nut')
  if (user === undefined)
    throw new NutshellError('NS_USAGE', `no such user: ${name ?? 'nut'} (set RUN_AS_USER)`)
  if (user.uid === 0)
    throw new NutshellError('NS_USAGE', 'the helper never runs its child as root: set RUN_AS_USER')
  return user
}

/** Written fresh (no symlink planted in the state directory is followed), 0640 root:child. */
async function writeChildConfig(
  path: string,
  text: string,
  user: ServiceUser | undefined,
): Promise<void> {
  await rm(path, { force: true })
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW
  const handle = await open(path, flags, 0o640)
  try {
    await handle.writeFile(text)
    if (user !== undefined) await chown(path, 0, user.gid)
  } finally {
    await handle.close()
  }
}
