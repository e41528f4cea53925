/**
 * Runs several `nutshell config ...` invocations in one process (Node and tsx start once),
 * each exactly as src/cli/main.ts runs it, with stdout and stderr captured.
 *
 * Usage: node --import tsx test/e2e/config-runner.ts CASES.json  → JSON results on stdout
 */
import { readFileSync } from 'node:fs'
import { run } from '../../src/cli/commands/config.ts'
import { type CapturedRun, captureOutput } from '../helpers/capture-output.ts'

export type ConfigRunResult = CapturedRun

function runCase(args: string[]): Promise<ConfigRunResult> {
  return captureOutput(() => run(args))
}

const path = process.argv[2]
if (path !== undefined) {
  const cases = JSON.parse(readFileSync(path, 'utf8')) as string[][]
  const results: ConfigRunResult[] = []
  for (const args of cases) results.push(await runCase(args))
  process.stdout.write(JSON.stringify(results))
}
