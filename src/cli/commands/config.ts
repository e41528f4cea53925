/**
 * `nutshell config check FILE|DIR [--json] [--strict]`: checks a native YAML config (and
 * the rule files it names), a NUT config directory, or one NUT file (ups.conf, upsd.conf,
 * upsd.users, upsmon.conf, upssched.conf), each file and across files, without starting
 * anything. Exit 1 when there is an error (with --strict: or a warning), 0 otherwise.
 *
 * `nutshell config show FILE|DIR`: prints the configuration as nutshell reads it (JSON,
 * passwords, tokens and webhook secrets hidden), defaults filled in.
 *
 * `nutshell config convert DIR`: one native YAML file from a NUT directory, on stdout.
 *
 * `nutshell config schema`: the native config's JSON Schema, for editors.
 */
import { fstat as fstatFd, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { summarise } from '../../config/check-system.ts'
import { checkEnvironment } from '../../config/environment-check.ts'
import { hideSecrets } from '../../config/hide-secrets.ts'
import { type CheckResult, checkConfig } from '../../config/load.ts'
import { nutConfPath } from '../../config/nut-dir.ts'
import { configToYaml } from '../../config/to-yaml.ts'
import type { BrokerConfig } from '../../config/types.ts'
import {
  type ConfigDiagnostic,
  renderDiagnostic,
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
  usage: [`[--json] [--strict] [${target.value}]`],
  summary: 'find every mistake in a configuration, with advice',
  options: {
    json: {
      ...json,
      help: 'machine-readable output: { ok, kind, errors, warnings, summary, diagnostics }',
    },
    strict: { type: 'boolean', help: 'warnings fail the check too (exit 1)' },
  },
  positionals: true,
  notes: `Each finding is shown as file:line:col severity code: message, the line with a caret, and
help; each file is checked and the files against each other (also the rule files a YAML config
names). Exit 1 on errors, 0 when there are only warnings (1 with --strict). On success one line
sums up what was found.

${target.text}`,
  examples: ['nutshell config check /etc/nut', 'nutshell config check nutshell.yaml --json'],
}

export const configShowCommand: CommandSpec = {
  name: 'config show',
  usage: [`[--json] [${target.value}]`],
  summary: 'print the configuration as read (JSON, passwords, tokens and webhook secrets hidden)',
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
async function checkHost(
  result: CheckResult & { config: BrokerConfig },
): Promise<ConfigDiagnostic[]> {
  const [{ builtinDrivers }, { defaultDriverPath }, { resolveMode }] = await Promise.all([
    import('../../drivers/registry.ts'),
    import('../../drivers/nut/nut-driver.ts'),
    import('../../drivers/dummy/mode.ts'),
  ])
  return checkEnvironment(
    result.config,
    {
      builtinDrivers,
      defaultDriverPath,
      isRepeater: (port, mode) => resolveMode(port, mode).mode === 'repeater',
    },
    result.locator?.devicePort,
  )
}

/** Each diagnostic in the rules checker's format, with the line of its file. */
function render(diagnostics: readonly ConfigDiagnostic[]): string {
  const texts = new Map<string, string | undefined>()
  const source = (file: string): string | undefined => {
    if (!texts.has(file)) {
      try {
        texts.set(file, readFileSync(file, 'utf8'))
      } catch {
        texts.set(file, undefined)
      }
    }
    return texts.get(file)
  }
  return diagnostics.map((d) => `${renderDiagnostic(d, source(d.file))}\n\n`).join('')
}

function holdsPasswords(config: BrokerConfig): boolean {
  return (
    config.users.some((u) => u.password !== undefined) ||
    (config.monitor?.monitors.length ?? 0) > 0 ||
    config.monitor?.tls?.certIdent !== undefined
  )
}

/** Says so when `config convert` writes passwords where others may read them. */
async function warnAboutSecrets(config: BrokerConfig): Promise<void> {
  if (!holdsPasswords(config)) return
  let mode: number | undefined
  try {
    const s = await promisify(fstatFd)(1)
    if (s.isFile()) mode = s.mode
  } catch {
    mode = undefined
  }
  if (mode === undefined) {
    process.stderr.write(
      'nutshell config convert: note: the output holds passwords; keep the file it goes to private (chmod 600)\n',
    )
  } else if ((mode & 0o004) !== 0) {
    process.stderr.write(
      'nutshell config convert: warning: the output file holds passwords and every user of this machine can read it; chmod 600 it\n',
    )
  }
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseSubcommand(configCommands, args)
  if (!parsed.ok) return parsed.code
  const sub = parsed.spec.name.slice('config '.length)
  const values = { json: parsed.values['json'] === true, strict: parsed.values['strict'] === true }
  const [given, ...extra] = parsed.positionals
  if (extra.length > 0 || (sub === 'schema' && given !== undefined))
    return usageFailure(parsed.spec, `unexpected argument '${extra[0] ?? given}'`)
  if (sub === 'schema') {
    // Loaded here only: the schema library is not needed for anything else of `config`.
    const { configJsonSchema } = await import('../../config/json-schema.ts')
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`)
    return 0
  }
  // Without a target, check what NUT would read: $NUT_CONFPATH, else /etc/nut.
  const target = given ?? nutConfPath(process.env)
  const result = await checkConfig(target)
  const ruleFiles = result.config?.rules?.files ?? []
  const diagnostics = sortDiagnostics([
    ...result.diagnostics,
    ...(await checkRuleFiles(ruleFiles)),
    ...(result.config === undefined || sub === 'convert'
      ? []
      : await checkHost({ ...result, config: result.config })),
  ])
  const errors = diagnostics.filter((d) => d.severity === 'error').length
  const warnings = diagnostics.length - errors
  // Warnings alone pass (NUT starts with them), unless --strict.
  const failed = errors > 0 || (values.strict && warnings > 0)
  if (values.json === true) {
    const out: Record<string, unknown> = {
      ok: !failed,
      kind: result.kind,
      errors,
      warnings,
      diagnostics,
    }
    if (result.config !== undefined) out['summary'] = summarise(result.config)
    if (sub === 'show' && result.config !== undefined) out['config'] = hideSecrets(result.config)
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`)
    return failed ? 1 : 0
  }
  process.stderr.write(render(diagnostics))
  if (sub === 'convert') {
    if (result.config !== undefined) {
      process.stdout.write(configToYaml(result.config))
      await warnAboutSecrets(result.config)
    } else if (errors === 0) {
      process.stderr.write(`${target}: a single NUT file cannot be converted; give its directory\n`)
      return 1
    }
  } else if (sub === 'show') {
    if (result.config !== undefined) {
      process.stdout.write(`${JSON.stringify(hideSecrets(result.config), null, 2)}\n`)
    } else if (errors === 0) {
      process.stderr.write(
        `${target}: a single NUT file has no full configuration to show; use its directory\n`,
      )
    }
  } else {
    const counts =
      errors === 0 && warnings === 0
        ? 'ok'
        : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${failed && errors === 0 ? ' (--strict)' : ''}`
    const found = result.config === undefined ? '' : `: ${summarise(result.config)}`
    process.stdout.write(`${target}: ${counts}${found}\n`)
  }
  return failed ? 1 : 0
}
