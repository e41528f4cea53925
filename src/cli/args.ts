/**
 * The argument parsing and help of nutshell's own commands (not of upsc, upsrw and
 * upscmd, which parse as NUT's tools do: nut-tools-getopt.ts). One declaration per
 * command gives both: node:util parseArgs reads the options, and the help text is made
 * from the same list, so an option cannot be accepted without being documented.
 * parseArgs' own error texts (which talk about `--` and positional arguments) are
 * reworded into one line that names the command and where its help is.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util'

export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
  multiple?: boolean
  /** The value's placeholder in the help (`FILE`, `LEVEL`); string options only. */
  value?: string
  /** What the option does; may hold line breaks (kept, indented). */
  help: string
  /** Shown as "(default: ...)" at the end of the help. */
  default?: string
  /** Accepted but left out of the help (compatibility switches that change nothing). */
  hidden?: boolean
}

export interface CommandSpec {
  /** As typed after `nutshell`: `serve`, `config check`. */
  name: string
  /** The usage lines without `usage: nutshell NAME`, e.g. `[--config FILE] [options]`. */
  usage: readonly string[]
  /** One line, lower case, no full stop: what the command does (also in `nutshell help`). */
  summary: string
  options: Readonly<Record<string, OptionSpec>>
  /** Whether operands are accepted (FILE, DIR...). */
  positionals?: boolean
  /** More paragraphs after the options (environment, notes). */
  notes?: string
  examples: readonly string[]
}

type Values = Record<string, string | boolean | Array<string | boolean> | undefined>

export type Parsed =
  | { ok: true; values: Values; positionals: string[] }
  /** Help was printed or the command line was refused: exit with `code`. */
  | { ok: false; code: number }

/** Exit code of a command line nutshell cannot read (as getopt-style tools use). */
export const usageExit = 2

const helpOption: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help' }

/**
 * Parses `args` for `spec`. Prints the help (stdout, exit 0) for -h/--help, and a one-line
 * error (stderr, exit 2) for an unknown option, a missing value or an unexpected operand.
 */
export function parseCommand(spec: CommandSpec, args: readonly string[]): Parsed {
  const options = withHelp(spec)
  const config: ParseArgsConfig = {
    args: [...args],
    options: Object.fromEntries(
      Object.entries(options).map(([name, o]) => [
        name,
        {
          type: o.type,
          ...(o.short === undefined ? {} : { short: o.short }),
          ...(o.multiple === true ? { multiple: true } : {}),
        },
      ]),
    ),
    allowPositionals: spec.positionals === true,
    strict: true,
  }
  let parsed: { values: Values; positionals: string[] }
  try {
    parsed = parseArgs(config) as { values: Values; positionals: string[] }
  } catch (error) {
    // `nutshell serve --frob --help` still gets the help it asked for.
    if (asksForHelp(args)) return printHelp(spec)
    process.stderr.write(`${usageError(spec, error)}\n`)
    return { ok: false, code: usageExit }
  }
  if (parsed.values['help'] === true) return printHelp(spec)
  return { ok: true, values: parsed.values, positionals: parsed.positionals }
}

/** A command-line mistake found after parsing (a bad value), worded as the parser's are. */
export function usageFailure(spec: CommandSpec, message: string): number {
  process.stderr.write(`nutshell ${spec.name}: ${message}; see 'nutshell ${spec.name} --help'\n`)
  return usageExit
}

function printHelp(spec: CommandSpec): Parsed {
  process.stdout.write(formatHelp(spec))
  return { ok: false, code: 0 }
}

function withHelp(spec: CommandSpec): Record<string, OptionSpec> {
  return Object.hasOwn(spec.options, 'help')
    ? { ...spec.options }
    : { ...spec.options, help: helpOption }
}

function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--')
  const before = end === -1 ? args : args.slice(0, end)
  return before.includes('--help') || before.includes('-h')
}

/** parseArgs' error as one line: `nutshell serve: unknown option '--frob'; see ...`. */
export function usageError(spec: CommandSpec, error: unknown): string {
  const code = (error as { code?: unknown }).code
  const message = error instanceof Error ? error.message : String(error)
  const quoted = /'([^']*)'/.exec(message)?.[1]
  let what: string
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      what = `unknown option '${quoted ?? message}'`
      break
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      what = `unexpected argument '${quoted ?? message}'`
      break
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      what = optionValueProblem(message)
      break
    default:
      what = message
  }
  return `nutshell ${spec.name}: ${what}; see 'nutshell ${spec.name} --help'`
}

/** parseArgs says "Option '-c, --config <value>' argument missing" or "... does not take an argument". */
function optionValueProblem(message: string): string {
  const names = /Option '([^']*)'/.exec(message)?.[1]
  const long = names?.match(/--[\w-]+/)?.[0] ?? names?.match(/-\w/)?.[0]
  if (long === undefined) return message
  return /does not take an argument/.test(message)
    ? `option '${long}' takes no value`
    : `option '${long}' needs a value`
}

/** The help text of `spec`: usage, what it does, options with defaults, examples. */
export function formatHelp(spec: CommandSpec): string {
  const prefix = `nutshell ${spec.name}`
  const usage = spec.usage.map(
    (line, i) => `${i === 0 ? 'usage: ' : '       '}${prefix}${line === '' ? '' : ` ${line}`}`,
  )
  const rows = Object.entries(withHelp(spec))
    .filter(([, o]) => o.hidden !== true)
    .map(([name, o]) => [optionLabel(name, o), optionText(o)] as const)
  const width = Math.min(24, Math.max(...rows.map(([label]) => label.length)) + 2)
  const options = rows.flatMap(([label, text]) => {
    const lines = text.split('\n')
    const first = label.length + 2 > width ? [`  ${label}`, ''] : [`  ${label.padEnd(width)}`]
    const pad = ' '.repeat(width + 2)
    if (first.length === 2) return [first[0] as string, ...lines.map((l) => pad + l)]
    return [`${first[0]}${lines[0]}`, ...lines.slice(1).map((l) => pad + l)]
  })
  const parts = [usage.join('\n'), sentence(spec.summary), `options:\n${options.join('\n')}`]
  if (spec.notes !== undefined) parts.push(spec.notes.trimEnd())
  parts.push(
    `example${spec.examples.length > 1 ? 's' : ''}:\n${spec.examples.map((e) => `  ${e}`).join('\n')}`,
  )
  return `${parts.join('\n\n')}\n`
}

/** A summary as the sentence under the usage line. */
function sentence(summary: string): string {
  return `${summary.charAt(0).toUpperCase()}${summary.slice(1)}.`
}

function optionLabel(name: string, o: OptionSpec): string {
  const value = o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''
  // One-letter options (upsmon's -f, upsd's -D) are spelt with one dash.
  const long = name.length === 1 ? `-${name}` : `--${name}`
  return o.short === undefined ? `${long}${value}` : `-${o.short}, ${long}${value}`
}

function optionText(o: OptionSpec): string {
  const text = o.multiple === true ? `${o.help} (repeatable)` : o.help
  if (o.default === undefined) return text
  // The default goes on its own line when the last one would grow too long.
  const fallback = `(default: ${o.default})`
  const last = text.slice(text.lastIndexOf('\n') + 1)
  return last.length + fallback.length + 1 > 64 ? `${text}\n${fallback}` : `${text} ${fallback}`
}

/** The string value of an option (the last one when it was given more than once). */
export function stringValue(values: Values, name: string): string | undefined {
  const value = values[name]
  if (Array.isArray(value)) {
    const last = value[value.length - 1]
    return typeof last === 'string' ? last : undefined
  }
  return typeof value === 'string' ? value : undefined
}

/** Every value of a repeatable string option. */
export function stringValues(values: Values, name: string): string[] {
  const value = values[name]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return typeof value === 'string' ? [value] : []
}

/** Whether a boolean option was given (how many times, for repeatable ones). */
export function flagCount(values: Values, name: string): number {
  const value = values[name]
  if (Array.isArray(value)) return value.length
  return value === true ? 1 : 0
}

/** A command made of subcommands: `nutshell config check|show|...`. */
export interface CommandGroup {
  name: string
  summary: string
  commands: readonly CommandSpec[]
}

export type SubParsed =
  | { ok: true; spec: CommandSpec; values: Values; positionals: string[] }
  | { ok: false; code: number }

/**
 * Finds the subcommand in `args[0]` and parses the rest for it. `nutshell config`,
 * `nutshell config --help` and `nutshell config help` print the group's help; an unknown
 * subcommand gets one line naming the ones there are (exit 2).
 */
export function parseSubcommand(group: CommandGroup, args: readonly string[]): SubParsed {
  const [word, ...rest] = args
  if (word === undefined) {
    process.stderr.write(formatGroupHelp(group))
    return { ok: false, code: usageExit }
  }
  if (word === '-h' || word === '--help' || word === 'help') {
    const target = rest[0] === undefined ? undefined : findSub(group, rest[0])
    process.stdout.write(target === undefined ? formatGroupHelp(group) : formatHelp(target))
    return { ok: false, code: 0 }
  }
  const spec = findSub(group, word)
  if (spec === undefined) {
    const names = group.commands.map(subName).join(', ')
    const what = word.startsWith('-') ? `unknown option '${word}'` : `unknown subcommand '${word}'`
    process.stderr.write(`nutshell ${group.name}: ${what} (there are: ${names})\n\n`)
    process.stderr.write(formatGroupHelp(group))
    return { ok: false, code: usageExit }
  }
  const parsed = parseCommand(spec, rest)
  return parsed.ok ? { ...parsed, spec } : parsed
}

function subName(spec: CommandSpec): string {
  return spec.name.slice(spec.name.lastIndexOf(' ') + 1)
}

function findSub(group: CommandGroup, word: string): CommandSpec | undefined {
  return group.commands.find((c) => subName(c) === word)
}

export function formatGroupHelp(group: CommandGroup): string {
  const usage = group.commands.map((c, i) =>
    `${i === 0 ? 'usage: ' : '       '}nutshell ${c.name} ${c.usage[0] ?? ''}`.trimEnd(),
  )
  const width = Math.max(...group.commands.map((c) => subName(c).length)) + 2
  const list = group.commands.map((c) => `  ${subName(c).padEnd(width)}${c.summary}`)
  return `${[
    usage.join('\n'),
    sentence(group.summary),
    `subcommands:\n${list.join('\n')}`,
    `Run 'nutshell ${group.name} SUBCOMMAND --help' for a subcommand's options.`,
  ].join('\n\n')}\n`
}
