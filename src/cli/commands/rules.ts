import { readFile } from 'node:fs/promises'
import { describeError } from '../../core/errors.ts'
import { hasErrors } from '../../rules/diagnostics.ts'
import { dryRun, formatDryRun, parseScenario } from '../../rules/dry-run.ts'
import { type LoadedRules, loadRulesText } from '../../rules/load.ts'
import { diagnosticsToJson, renderDiagnostics } from '../../rules/source.ts'
import { upsschedToRules } from '../../rules/upssched.ts'
import { type CommandGroup, type CommandSpec, parseSubcommand } from '../args.ts'

const json = { type: 'boolean', help: 'print the result as JSON' } as const

export const rulesCheckCommand: CommandSpec = {
  name: 'rules check',
  usage: ['FILE... [--json]'],
  summary: 'check rules files (rules or upssched.conf)',
  options: { json: { ...json, help: 'print the diagnostics as JSON' } },
  positionals: true,
  notes: 'See docs/rules.md for the language.',
  examples: ['nutshell rules check /etc/nut/nutshell.rules'],
}

export const rulesTestCommand: CommandSpec = {
  name: 'rules test',
  usage: ['RULES --scenario FILE [--device NAME] [--events] [--json]'],
  summary: 'show what rules would do over a .seq timeline',
  options: {
    scenario: {
      type: 'string',
      value: 'FILE',
      help: 'the timeline: a dummy-ups .seq file, replayed in virtual time (required)',
    },
    device: {
      type: 'string',
      value: 'NAME',
      help: 'the device the timeline is about',
      default: 'ups',
    },
    events: { type: 'boolean', help: 'also print the notify events derived from the timeline' },
    json: { ...json, help: 'print the entries as JSON' },
  },
  positionals: true,
  notes: 'Nothing is run: the actions are printed with the virtual time they would happen at.',
  examples: ['nutshell rules test my.rules --scenario power-cut.seq --events'],
}

export const rulesImportCommand: CommandSpec = {
  name: 'rules import-upssched',
  usage: ['FILE'],
  summary: 'print the rules equivalent to an upssched.conf',
  options: {},
  positionals: true,
  examples: ['nutshell rules import-upssched /etc/nut/upssched.conf > nutshell.rules'],
}

export const rulesCommands: CommandGroup = {
  name: 'rules',
  summary: 'check, test and import rules',
  commands: [rulesCheckCommand, rulesTestCommand, rulesImportCommand],
}

type Parsed = { values: Record<string, unknown>; positionals: string[] }

export async function run(args: string[]): Promise<number> {
  const parsed = parseSubcommand(rulesCommands, args)
  if (!parsed.ok) return parsed.code
  switch (parsed.spec) {
    case rulesCheckCommand:
      return check(parsed)
    case rulesTestCommand:
      return test(parsed)
    default:
      return importUpssched(parsed)
  }
}

function missing(spec: CommandSpec, what: string): number {
  process.stderr.write(`nutshell ${spec.name}: ${what}; see 'nutshell ${spec.name} --help'\n`)
  return 1
}

async function readOrReport(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    process.stderr.write(`nutshell rules: cannot read ${path}: ${describeError(error)}\n`)
    return undefined
  }
}

async function check(parsed: Parsed): Promise<number> {
  if (parsed.positionals.length === 0) return missing(rulesCheckCommand, 'a file is required')
  let failed = false
  const json: unknown[] = []
  for (const path of parsed.positionals) {
    const text = await readOrReport(path)
    if (text === undefined) {
      failed = true
      continue
    }
    const loaded = loadRulesText(path, text)
    if (hasErrors(loaded.diagnostics)) failed = true
    if (parsed.values['json'] === true)
      json.push(...diagnosticsToJson(loaded.source, loaded.diagnostics))
    else if (loaded.diagnostics.length > 0)
      process.stdout.write(renderDiagnostics(loaded.source, loaded.diagnostics))
    else process.stdout.write(`${path}: ok (${countRules(loaded)} rules)\n`)
  }
  if (parsed.values['json'] === true) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  return failed ? 1 : 0
}

function countRules(loaded: LoadedRules): number {
  return loaded.file.rules.reduce((n, r) => n + (r.kind === 'device' ? r.rules.length : 1), 0)
}

async function test(parsed: Parsed): Promise<number> {
  const [rulesPath] = parsed.positionals
  const scenarioPath = parsed.values['scenario']
  if (rulesPath === undefined || typeof scenarioPath !== 'string')
    return missing(rulesTestCommand, 'RULES and --scenario FILE are required')
  const [rulesText, scenarioText] = [
    await readOrReport(rulesPath),
    await readOrReport(scenarioPath),
  ]
  if (rulesText === undefined || scenarioText === undefined) return 1
  const scenario = parseScenario(scenarioText)
  for (const p of scenario.problems)
    process.stderr.write(`${scenarioPath}:${p.line}: ${p.message}\n`)
  const device = parsed.values['device']
  // The timeline's variables are what the device reports: "did you mean" knows them too.
  const reported = [...new Set(scenario.steps.flatMap((s) => (s.kind === 'set' ? [s.name] : [])))]
  const deviceName = typeof device === 'string' ? device : 'ups'
  const values = new Map<string, string[]>()
  for (const step of scenario.steps)
    if (step.kind === 'set') {
      const name = step.name.toLowerCase()
      values.set(name, [...(values.get(name) ?? []), step.value])
    }
  const loaded = loadRulesText(rulesPath, rulesText, {
    devices: new Map([[deviceName, reported]]),
    values,
  })
  // Errors stop the run; warnings (a model that can never match the timeline's) are shown
  // and the run goes on; style notes are for `rules check`.
  const shown = loaded.diagnostics.filter((d) => d.severity !== 'note')
  if (shown.length > 0) process.stderr.write(renderDiagnostics(loaded.source, shown))
  if (hasErrors(loaded.diagnostics)) return 1
  const entries = dryRun([loaded], scenario.steps, {
    ...(typeof device === 'string' ? { device } : {}),
    events: parsed.values['events'] === true,
  })
  if (parsed.values['json'] === true) process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`)
  else process.stdout.write(formatDryRun(entries))
  return 0
}

async function importUpssched(parsed: Parsed): Promise<number> {
  const [path] = parsed.positionals
  if (path === undefined) return missing(rulesImportCommand, 'a file is required')
  const text = await readOrReport(path)
  if (text === undefined) return 1
  const result = upsschedToRules(path, text)
  if (result.diagnostics.length > 0) {
    const loaded = loadRulesText(path, text)
    process.stderr.write(renderDiagnostics(loaded.source, result.diagnostics))
  }
  if (hasErrors(result.diagnostics)) return 1
  process.stdout.write(result.text)
  return 0
}
