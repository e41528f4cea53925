/**
 * `--user`, `--allow-root` and `--power-road`, shared by `serve` and `monitor`: started as
 * root they drop to the service user once their sockets are bound (src/broker/
 * drop-privileges.ts); under `nutshell helper` they are already unprivileged and send
 * power requests and NOTIFYCMD to the helper's pipe (`--power-road helper-pipe:3`).
 */
import { dropPrivileges } from '../broker/drop-privileges.ts'
import { describeError } from '../core/errors.ts'
import type { Logger } from '../core/log.ts'
import type { OptionSpec } from './args.ts'

export const privilegeOptionSpecs = {
  user: {
    type: 'string',
    value: 'USER',
    help: 'started as root: run as USER once the sockets are bound',
    default:
      'RUN_AS_USER / runAsUser, else $NUTSHELL_USER, else nut\nwhen it exists; root stays root',
  },
  'allow-root': {
    type: 'boolean',
    help: 'started as root with no user to drop to: stay root instead of refusing',
  },
  'power-road': {
    type: 'string',
    value: 'helper-pipe:FD',
    help: 'send power requests and NOTIFYCMD to the privileged helper on FD\n(set by `nutshell helper`)',
  },
} as const satisfies Record<string, OptionSpec>

export interface PrivilegeOptions {
  user: string | undefined
  /** $NUTSHELL_USER: used when neither the command line nor the configuration names one. */
  envUser: string | undefined
  allowRoot: boolean
  powerRoad: string | undefined
}

export function readPrivilegeOptions(
  values: Readonly<Record<string, unknown>>,
  fallbackUser?: string,
  env: NodeJS.ProcessEnv = process.env,
): PrivilegeOptions {
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
  return {
    user: text(values['user']) ?? fallbackUser,
    envUser: env['NUTSHELL_USER'] || undefined,
    allowRoot: values['allow-root'] === true,
    powerRoad: text(values['power-road']),
  }
}

/** The daemon's `ready` step: false (the daemon stops with 1) when root may not stay. */
export function dropAfterStart(
  command: string,
  options: PrivilegeOptions,
  configured: string | undefined,
  log: Logger,
): boolean {
  try {
    dropPrivileges({
      requested: options.user ?? configured ?? options.envUser,
      allowRoot: options.allowRoot,
      log,
    })
    return true
  } catch (error) {
    process.stderr.write(`nutshell ${command}: ${describeError(error)}\n`)
    return false
  }
}
