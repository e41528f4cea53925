/**
 * The one daemon loop of every long-running command (`serve`, `upsd`, `monitor`, `demo`):
 * SIGINT and SIGTERM stop, SIGHUP reloads, SIGUSR1 starts the forced shutdown where a
 * monitor runs (`-c fsd`), and the PID file exists exactly while the handlers are in
 * place, so `-c` finds a process that can answer it.
 */
import type { BrokerConfig } from '../config/types.ts'
import { describeError } from '../core/errors.ts'
import type { Logger } from '../core/log.ts'
import type { Broker } from './broker.ts'
import { removePidFile, writePidFile } from './pid-file.ts'

export interface DaemonOptions {
  log: Logger
  pidFile?: string | undefined
  /**
   * SIGHUP: reads the configuration again. Undefined keeps the running one (whoever
   * loaded it has shown why). Without `load`, SIGHUP is ignored.
   */
  load?: () => Promise<BrokerConfig | undefined>
  /**
   * Runs once the handlers and the PID file are in place (upsd drops privileges here).
   * False stops the daemon with exit code 1.
   */
  ready?: () => boolean | Promise<boolean>
}

/** Runs until a stop signal (or the monitor's exit); resolves with the exit code. */
export async function runDaemon(broker: Broker, options: DaemonOptions): Promise<number> {
  const { log, pidFile } = options
  let reloading = Promise.resolve()
  let resolveDone: (code: number) => void = () => {}
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve
  })
  let stopping = false

  const stop = (reason: string, code = 0): void => {
    if (stopping) return
    stopping = true
    process.off('SIGINT', onInt)
    process.off('SIGTERM', onTerm)
    process.off('SIGHUP', onHup)
    process.off('SIGUSR1', onUsr1)
    void reloading
      .then(() => broker.stop(reason))
      .then(
        () => code,
        (error: unknown) => {
          log.error({ err: describeError(error) }, 'stopping failed')
          return 1
        },
      )
      .then(async (exit) => {
        if (pidFile !== undefined) await removePidFile(pidFile).catch(() => undefined)
        resolveDone(exit)
      })
  }
  const onInt = (): void => stop('SIGINT')
  const onTerm = (): void => stop('SIGTERM')
  const onHup = (): void => {
    const load = options.load
    if (load === undefined) return
    reloading = reloading.then(async () => {
      try {
        const next = await load()
        if (next === undefined) {
          log.error('reload: the configuration has errors; keeping the running one')
          return
        }
        const outcome = await broker.reload(next)
        // The rules log their own report (RULE3002) once; this line only says what was kept.
        if (!outcome.ok) log.error('reload: rules kept as they were')
      } catch (error) {
        log.error({ err: describeError(error) }, 'reload failed; keeping the configuration')
      }
    })
  }
  const onUsr1 = (): void => {
    if (!broker.requestFsd()) log.warn('SIGUSR1 (forced shutdown): no monitor runs here')
  }
  process.on('SIGINT', onInt)
  process.on('SIGTERM', onTerm)
  process.on('SIGHUP', onHup)
  process.on('SIGUSR1', onUsr1)
  broker.onDone(() => stop('the monitor has finished'))

  // Only once the handlers are in place may `-c` find us.
  if (pidFile !== undefined) {
    await writePidFile(pidFile).catch((error: unknown) =>
      log.warn({ pidFile, err: describeError(error) }, 'cannot write the PID file; use -c with -P'),
    )
  }
  if (options.ready !== undefined && !(await options.ready())) stop('not ready', 1)
  else broker.announce()
  return done
}
