/**
 * `nutshell config check FILE|DIR [--json]`: checks a native YAML config (and the rule
 * files it names), a NUT config directory, or one NUT file (ups.conf, upsd.conf,
 * upsd.users, upsmon.conf, upssched.conf) without starting anything. Exit 1 when there is
 * an error, 0 otherwise (warnings shown).
 *
 * `nutshell config show FILE|DIR`: prints the configuration as nutshell reads it (JSON,
 * passwords hidden), defaults filled in.
 */
import { readFile } from 'node:fs/promises'
import { checkEnvironment } from '../../config/environment-check.ts'
import { checkConfig } from '../../config/load.ts'
import { nutConfPath } from '../../config/nut-dir.ts'
import { configToYaml } from '../../config/to-yaml.ts'
import type { BrokerConfig } from '../../config/types.ts'
import {
  type ConfigDiagnostic,
  formatDiagnostic,
  sortDiagnostics,
} from '../../protocol/nut-config/index.ts'
import { type CommandGroup, type CommandSpec, parseSubcommand, usageFailure } from '../args.ts'

const target = {
  value: 'FILE|DIR',
  text: `FILE is a native YAML config or one NUT file (ups.conf, upsd.conf, upsd.users,
upsmon.conf, upssched.conf); DIR a NUT config directory (default: $NUT_CONFPATH,
else /etc/nut).`,
}

const json = {
  type: 'boolean',
  help: 'machine-readable output: { ok, kind, errors, warnings, diagnostics }',
} as const

export const configCheckCommand: CommandSpec = {
  name: 'config check',
  usage: [`[--json] [${target.value}]`],
  summary: 'find every mistake in a configuration, with advice',
  options: { json },
  positionals: true,
  notes: `Each finding is file:line:col: severity code: message, with advice; the rule files a
YAML config names are checked too. Exit 1 on errors, 0 otherwise (warnings shown).

${target.text}`,
  examples: ['nutshell config check /etc/nut', 'nutshell config check nutshell.yaml --json'],
}

export const configShowCommand: CommandSpec = {
  name: 'config show',
  usage: [`[--json] [${target.value}]`],
  summary: 'print the configuration as read (JSON, no passwords)',
  options: {
    json: { ...json, help: 'the check report too, with the configuration under "config"' },
  },
  positionals: true,
  notes: target.text,
  examples: ['nutshell config show /etc/nut'],
}

export const configConvertCommand: CommandSpec = {
  name: 'config convert',
  usage: ['[DIR|FILE]'],
  summary: 'print a configuration as one native YAML file',
  options: {},
  positionals: true,
  notes: target.text,
  examples: ['nutshell config convert /etc/nut > nutshell.yaml'],
}

export const configSchemaCommand: CommandSpec = {
  name: 'config schema',
  usage: [''],
  summary: 'print the JSON Schema of the YAML configuration',
  options: {},
  examples: ['nutshell config schema > nutshell.schema.json'],
}

export const configCommands: CommandGroup = {
  name: 'config',
  summary: 'check, show and convert configurations',
  commands: [configCheckCommand, configShowCommand, configConvertCommand, configSchemaCommand],
}

/** The rule files a config names are checked too, so one command finds every mistake. */
async function checkRuleFiles(files: readonly string[]): Promise<ConfigDiagnostic[]> {
  const out: ConfigDiagnostic[] = []
  if (files.length === 0) return out
  // Loaded only when there are rule files: `config check` of a NUT directory stays light.
  const { loadRulesText } = await import('../../rules/load.ts')
  for (const file of files) {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      out.push({
        severity: 'error',
        code: code === 'ENOENT' ? 'file-missing' : 'file-unreadable',
        file,
        line: 0,
        column: 0,
        message: `rules file: cannot read it (${code ?? String(error)})`,
        advice: 'check rules.files in the configuration',
      })
      continue
    }
    const loaded = loadRulesText(file, text)
    for (const d of loaded.diagnostics) {
      // Notes are style hints for `nutshell rules check`; they never fail a config check.
      if (d.severity === 'note') continue
      const at = loaded.source.position(d.span.start)
      const item: ConfigDiagnostic = {
        severity: d.severity,
        code: d.code as ConfigDiagnostic['code'],
        file,
        line: at.line,
        column: at.column,
        message: d.message,
      }
      if (d.advice !== undefined) item.advice = d.advice
      out.push(item)
    }
  }
  return out
}

/** Data files and driver binaries, checked on this machine (warnings only). */
async function checkHost(config: BrokerConfig): Promise<ConfigDiagnostic[]> {
  const [{ builtinDrivers }, { defaultDriverPath }, { resolveMode }] = await Promise.all([
    import('../../drivers/registry.ts'),
    import('../../drivers/nut/nut-driver.ts'),
    import('../../drivers/dummy/mode.ts'),
  ])
  return checkEnvironment(config, {
    builtinDrivers,
    defaultDriverPath,
    isRepeater: (port, mode) => resolveMode(port, mode).mode === 'repeater',
  })
}

function hidePasswords(config: BrokerConfig): unknown {
  return JSON.parse(
    JSON.stringify(config, (key, value: unknown) =>
      key === 'password' && typeof value === 'string' ? '********' : value,
    ),
  )
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseSubcommand(configCommands, args)
  if (!parsed.ok) return parsed.code
  const sub = parsed.spec.name.slice('config '.length)
  const values = { json: parsed.values['json'] === true }
  const [given, ...extra] = parsed.positionals
  if (sub === 'schema') {
    // The schema printer lives in the configuration-schema change; this is its entry point.
    process.stderr.write('nutshell config schema: not available in this build\n')
    return 1
  }
  if (extra.length > 0) return usageFailure(parsed.spec, `unexpected argument '${extra[0]}'`)
  // Without a target, check what NUT would read: $NUT_CONFPATH, else /etc/nut.
  const target = given ?? nutConfPath(process.env)
  const result = await checkConfig(target)
  const ruleFiles = result.config?.rules?.files ?? []
  const diagnostics = sortDiagnostics([
    ...result.diagnostics,
    ...(await checkRuleFiles(ruleFiles)),
    ...(result.config === undefined || sub === 'convert' ? [] : await checkHost(result.config)),
  ])
  const errors = diagnostics.filter((d) => d.severity === 'error').length
  const warnings = diagnostics.length - errors
  if (values.json === true) {
    const out: Record<string, unknown> = {
      ok: errors === 0,
      kind: result.kind,
      errors,
      warnings,
      diagnostics,
    }
    if (sub === 'show' && result.config !== undefined) out['config'] = hidePasswords(result.config)
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`)
    return errors > 0 ? 1 : 0
  }
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`)
  if (sub === 'convert') {
    if (result.config !== undefined) process.stdout.write(configToYaml(result.config))
    else if (errors === 0) {
      process.stderr.write(`${target}: a single NUT file cannot be converted; give its directory\n`)
      return 1
    }
  } else if (sub === 'show') {
    if (result.config !== undefined) {
      process.stdout.write(`${JSON.stringify(hidePasswords(result.config), null, 2)}\n`)
    } else if (errors === 0) {
      process.stderr.write(
        `${target}: a single NUT file has no full configuration to show; use its directory\n`,
      )
    }
  } else {
    const summary =
      errors === 0 && warnings === 0
        ? `${target}: ok`
        : `${target}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`
    process.stdout.write(`${summary}\n`)
  }
  return errors > 0 ? 1 : 0
}
