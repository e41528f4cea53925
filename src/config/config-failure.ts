/**
 * The one error a command stops with when a configuration cannot be used, after its
 * diagnostics have been printed. Its code says which kind of mistake it was, so that the
 * advice fits: the file could not be read, its text does not parse, or a setting is wrong.
 */
import { NutshellError } from '../core/errors.ts'
import type { ConfigDiagnostic } from '../protocol/nut-config/index.ts'

export function configFailure(
  message: string,
  diagnostics: readonly ConfigDiagnostic[],
  cause?: unknown,
): NutshellError {
  const options = cause === undefined ? {} : { cause }
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.some((d) => d.code === 'file-missing' || d.code === 'file-unreadable'))
    return new NutshellError('NS_CONFIG_READ', message, options)
  if (errors.some((d) => d.code === 'syntax' || d.code === 'control-character'))
    return new NutshellError('NS_CONFIG_SYNTAX', message, options)
  return new NutshellError('NS_CONFIG_INVALID', message, options)
}
