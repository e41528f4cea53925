/**
 * `nutshell helper`: the privileged helper (docs/privilege.md). Runs `nutshell serve` (or
 * `monitor` with --monitor) unprivileged and jailed, and carries out its power requests
 * and NOTIFYCMD with its own configuration.
 *
 *   nutshell helper [--monitor] --nut-confpath DIR | --config FILE [--state-path DIR]
 */
import { existsSync } from 'node:fs'
import { systemClock } from '../../core/clock.ts'
import { describeError } from '../../core/errors.ts'
import { createLogger } from '../../core/log.ts'
import { loadHelperConfig } from '../../helper/helper-config.ts'
import { defaultBwrap } from '../../helper/jail.ts'
import { runHelper } from '../../helper/run-helper.ts'
import { formatDiagnostic, sortDiagnostics } from '../../protocol/nut-config/index.ts'
import { type CommandSpec, parseCommand, stringValue, usageFailure } from '../args.ts'
import { logOptionSpecs, readLogOptions } from '../log-options.ts'

export const helperCommand: CommandSpec = {
  name: 'helper',
  usage: ['[--monitor] [--nut-confpath DIR | --config FILE] [options]', '--check [--json]'],
  summary: 'the privileged helper: runs serve or monitor jailed, and powers off',
  options: {
    'nut-confpath': {
      type: 'string',
      value: 'DIR',
      help: 'NUT configuration directory (upsmon.conf: SHUTDOWNCMD, NOTIFYCMD,\nNOTIFYFLAG, POWERDOWNFLAG, RUN_AS_USER)',
      default: '$NUT_CONFPATH, else /etc/nut',
    },
    config: {
      type: 'string',
      value: 'FILE',
      help: "nutshell's YAML configuration (its monitor section)",
    },
    monitor: { type: 'boolean', help: 'run `nutshell monitor` as the child instead of `serve`' },
    check: {
      type: 'boolean',
      help: 'print which power roads and confinement tools this host has and\nwhat each would do (exit 0 when a road besides a command exists)',
    },
    json: { type: 'boolean', help: 'with --check: the report as JSON' },
    'state-path': {
      type: 'string',
      value: 'DIR',
      help: "the child's one writable directory (its configuration goes there)",
      default: '$NUT_STATEPATH, else /run/nut',
    },
    'child-script': {
      type: 'string',
      value: 'FILE',
      help: 'tests: run FILE in the jail instead of nutshell',
      hidden: true,
    },
    ...logOptionSpecs,
  },
  notes:
    "Run it as root. The child runs as RUN_AS_USER (or monitor.runAsUser), else nut, with no\nsupplementary groups and no capabilities, under bubblewrap when /usr/bin/bwrap exists\nand always under Node's permission model.",
  examples: [
    'nutshell helper --monitor --nut-confpath /etc/nut',
    'nutshell helper --config /etc/nutshell/nutshell.yaml',
    'nutshell helper --check',
  ],
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(helperCommand, args)
  if (!parsed.ok) return parsed.code
  if (parsed.values['check'] === true) {
    const { runCheck } = await import('./helper-check.ts')
    return runCheck({ json: parsed.values['json'] === true })
  }
  const logOptions = readLogOptions(parsed.values)
  if (!logOptions.ok) return usageFailure(helperCommand, logOptions.message)
  const configFile = stringValue(parsed.values, 'config')
  const nutConfPath = stringValue(parsed.values, 'nut-confpath')
  if (configFile !== undefined && nutConfPath !== undefined)
    return usageFailure(helperCommand, 'give either --config or --nut-confpath, not both')
  const monitorOnly = parsed.values['monitor'] === true
  const loaded = await loadHelperConfig({ configFile, nutConfPath, monitorOnly })
  for (const d of sortDiagnostics(loaded.diagnostics))
    process.stderr.write(`${formatDiagnostic(d)}\n`)
  if (!loaded.ok) {
    process.stderr.write('nutshell helper: the configuration has errors; nothing was started\n')
    return 1
  }
  const childArgs: string[] = []
  for (const name of ['log-level', 'log-format']) {
    const value = stringValue(parsed.values, name)
    if (value !== undefined) childArgs.push(`--${name}`, value)
  }
  try {
    return await runHelper({
      config: loaded.value,
      mode: monitorOnly ? 'monitor' : 'serve',
      stateDir:
        stringValue(parsed.values, 'state-path') ?? process.env['NUT_STATEPATH'] ?? '/run/nut',
      bwrap: existsSync(defaultBwrap) ? defaultBwrap : undefined,
      childScript: stringValue(parsed.values, 'child-script'),
      childArgs,
      clock: systemClock,
      log: createLogger(logOptions.options),
    })
  } catch (error) {
    process.stderr.write(`nutshell helper: ${describeError(error)}\n`)
    return 1
  }
}
