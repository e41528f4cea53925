/**
 * upsmon.conf as a MonitorConfig, for the monitor (`nutshell monitor`, and `serve` when the
 * config directory holds an upsmon.conf). Never throws.
 */
import { type ConfigDiagnostic, hasErrors, parseUpsmonConf } from '../protocol/nut-config/index.ts'
import { type LoadResult, monitorFromUpsmonConf } from './from-nut.ts'
import type { MonitorConfig } from './types.ts'

export function readUpsmonConf(text: string, file = 'upsmon.conf'): LoadResult<MonitorConfig> {
  const { conf, diagnostics } = parseUpsmonConf(text, file)
  if (hasErrors(diagnostics)) return { ok: false, diagnostics }
  return { ok: true, value: monitorFromUpsmonConf(conf), diagnostics }
}

export type { ConfigDiagnostic }
