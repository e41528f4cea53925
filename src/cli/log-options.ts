/**
 * `--log-level` and `--log-format`, shared by every long-running command (serve, monitor,
 * upsd), read and checked in one place so each command refuses a bad value the same way.
 */
import {
  isLogFormat,
  isLogLevel,
  type LogFormat,
  type LoggerOptions,
  logFormats,
  logLevels,
} from '../core/log.ts'
import type { OptionSpec } from './args.ts'

export const logOptionSpecs = {
  'log-level': {
    type: 'string',
    value: 'LEVEL',
    help: `${logLevels.join(', ')}`,
    default: '$NUTSHELL_LOG_LEVEL, else info',
  },
  'log-format': {
    type: 'string',
    value: 'FORMAT',
    help: 'text (for people), json (one object per line) or auto:\ntext on a terminal, json otherwise',
    default: '$NUTSHELL_LOG_FORMAT, else auto',
  },
} as const satisfies Record<string, OptionSpec>

export type LogOptionsResult = { ok: true; options: LoggerOptions } | { ok: false; message: string }

/**
 * The logger options of a command line (the environment fills what is not given).
 * `level` is a level the command worked out itself (upsd's -D/-q), used when neither
 * --log-level nor NUTSHELL_LOG_LEVEL says otherwise.
 */
export function readLogOptions(
  values: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv = process.env,
  level?: string,
): LogOptionsResult {
  const givenLevel = values['log-level']
  const levelText =
    typeof givenLevel === 'string' ? givenLevel : (env['NUTSHELL_LOG_LEVEL'] ?? level)
  const levelFrom = typeof givenLevel === 'string' ? '--log-level' : 'NUTSHELL_LOG_LEVEL'
  if (levelText !== undefined && !isLogLevel(levelText)) {
    return {
      ok: false,
      message: `${levelFrom} '${levelText}' is not a log level; use one of ${logLevels.join(', ')}`,
    }
  }
  const givenFormat = values['log-format']
  const formatText =
    typeof givenFormat === 'string' ? givenFormat : (env['NUTSHELL_LOG_FORMAT'] ?? 'auto')
  const formatFrom = typeof givenFormat === 'string' ? '--log-format' : 'NUTSHELL_LOG_FORMAT'
  if (!isLogFormat(formatText)) {
    return {
      ok: false,
      message: `${formatFrom} '${formatText}' is not a log format; use one of ${logFormats.join(', ')}`,
    }
  }
  const format: LogFormat = formatText
  return {
    ok: true,
    options: { format, ...(levelText === undefined ? {} : { level: levelText }) },
  }
}
