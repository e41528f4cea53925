/**
 * powerman's own powerman.conf as a source of devices (`nutshell serve --powerman-conf
 * FILE`): every `device` line becomes a nutshell device of the `script` driver, with the
 * plugs its `node` lines map, named as in the file. The file and its includes are read
 * and checked here, so a broken file stops serve before anything starts, with powerman
 * diagnostics (PM codes) at file:line:col.
 */
import { isAbsolute, resolve } from 'node:path'
import type { LoadResult } from '../config/from-nut.ts'
import type { BrokerConfig, DeviceConfig } from '../config/types.ts'
import { powermanSetup } from '../drivers/script/powerman-devices.ts'
import type { ConfigDiagnostic } from '../protocol/nut-config/index.ts'
import { loadPowermanFile } from '../protocol/powerman/load-file.ts'

export function powermanConfDevices(file: string): LoadResult<DeviceConfig[]> {
  const path = isAbsolute(file) ? file : resolve(file)
  const loaded = loadPowermanFile(path)
  if ('error' in loaded)
    return {
      ok: false,
      diagnostics: [diag('error', 'file-unreadable', path, 0, 0, `cannot read ${loaded.error}`)],
    }
  const diagnostics = loaded.diagnostics.map((d) => {
    const text = loaded.sources.get(d.file) ?? ''
    const before = text.slice(0, d.span.start)
    const line = before.split('\n').length
    const column = d.span.start - before.lastIndexOf('\n')
    const out = diag(
      d.severity === 'error' ? 'error' : 'warning',
      'bad-value',
      d.file,
      line,
      column,
      `${d.code}: ${d.message}`,
    )
    if (d.advice !== undefined) out.advice = d.advice
    return out
  })
  if (diagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics }
  const setup = powermanSetup(loaded.file, path)
  if (setup.devices.length === 0)
    diagnostics.push(diag('warning', 'no-devices', path, 0, 0, 'the file has no device line'))
  const value = setup.devices.map(
    (d): DeviceConfig => ({
      name: d.name,
      driver: 'script',
      port: d.where,
      description: `powerman device ${d.name} (${d.spec})`,
      options: { 'powerman.conf': path, 'powerman.device': d.name },
      flags: [],
    }),
  )
  return { ok: true, value, diagnostics }
}

/**
 * The configuration with the devices of a powerman.conf added (unchanged when `file` is
 * undefined). A device name used by both is an error.
 */
export function withPowermanConf(
  result: LoadResult<BrokerConfig>,
  file: string | undefined,
): LoadResult<BrokerConfig> {
  if (file === undefined || !result.ok) return result
  const extra = powermanConfDevices(file)
  const diagnostics = [...result.diagnostics, ...extra.diagnostics]
  if (!extra.ok) return { ok: false, diagnostics }
  const taken = new Set(result.value.devices.map((d) => d.name.toLowerCase()))
  const clashes = extra.value.filter((d) => taken.has(d.name.toLowerCase()))
  if (clashes.length > 0) {
    for (const d of clashes)
      diagnostics.push(
        diag('error', 'duplicate', file, 0, 0, `device "${d.name}" is in both configurations`),
      )
    return { ok: false, diagnostics }
  }
  return {
    ok: true,
    value: { ...result.value, devices: [...result.value.devices, ...extra.value] },
    diagnostics,
  }
}

function diag(
  severity: ConfigDiagnostic['severity'],
  code: ConfigDiagnostic['code'],
  file: string,
  line: number,
  column: number,
  message: string,
): ConfigDiagnostic {
  return { severity, code, file, line, column, message }
}
