import { readFile } from 'node:fs/promises'
import { type ParseArgsConfig, parseArgs } from 'node:util'
import { describeError } from '../../core/errors.ts'
import { hasErrors } from '../../rules/diagnostics.ts'
import { dryRun, formatDryRun, parseScenario } from '../../rules/dry-run.ts'
import { type LoadedRules, loadRulesText } from '../../rules/load.ts'
import { diagnosticsToJson, renderDiagnostics } from '../../rules/source.ts'
import { upsschedToRules } from '../../rules/upssched.ts'

const usage = `usage:
  nutshell rules check FILE... [--json]
      check rules files (native rules or upssched.conf); exit 1 on errors
  nutshell rules test RULES --scenario FILE [--device NAME] [--events] [--json]
      replay a dummy-ups .seq timeline in virtual time and print the actions
      the rules would run, without running them (--events: also the notify
      events derived from the timeline)
  nutshell rules import-upssched FILE
      print the rules equivalent to an upssched.conf

See docs/rules.md.
`

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  switch (sub) {
    case 'check':
      return check(rest)
    case 'test':
      return test(rest)
    case 'import-upssched':
      return importUpssched(rest)
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(usage)
      return sub === undefined ? 1 : 0
    default:
      process.stderr.write(`nutshell rules: unknown subcommand '${sub}'\n\n${usage}`)
      return 1
  }
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (error) {
    process.stderr.write(`nutshell rules: ${describeError(error)}\n\n${usage}`)
    return undefined
  }
}

async function readOrReport(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    process.stderr.write(`nutshell rules: cannot read ${path}: ${describeError(error)}\n`)
    return undefined
  }
}

async function check(args: string[]): Promise<number> {
  const parsed = parse(args, { json: { type: 'boolean' } })
  if (parsed === undefined) return 1
  if (parsed.positionals.length === 0) {
    process.stderr.write(`nutshell rules check: a file is required\n\n${usage}`)
    return 1
  }
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

async function test(args: string[]): Promise<number> {
  const parsed = parse(args, {
    scenario: { type: 'string' },
    device: { type: 'string' },
    events: { type: 'boolean' },
    json: { type: 'boolean' },
  })
  if (parsed === undefined) return 1
  const [rulesPath] = parsed.positionals
  const scenarioPath = parsed.values['scenario']
  if (rulesPath === undefined || typeof scenarioPath !== 'string') {
    process.stderr.write(`nutshell rules test: RULES and --scenario FILE are required\n\n${usage}`)
    return 1
  }
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

async function importUpssched(args: string[]): Promise<number> {
  const parsed = parse(args, {})
  if (parsed === undefined) return 1
  const [path] = parsed.positionals
  if (path === undefined) {
    process.stderr.write(`nutshell rules import-upssched: a file is required\n\n${usage}`)
    return 1
  }
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
