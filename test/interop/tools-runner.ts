/**
 * Runs many `nutshell upsc|upsrw|upscmd` invocations in one process, so that the interop
 * tests pay Node's (and tsx's) start-up once instead of once per case. Each case calls the
 * command's `run(args)` exactly as src/cli/main.ts does, with stdout and stderr captured.
 * Cases that read stdin (prompts) are run as real processes by the tests instead.
 *
 * Usage: node --import tsx test/interop/tools-runner.ts CASES.json  → JSON results on stdout
 */

import { readFileSync } from 'node:fs'
import { type CapturedRun, captureOutput } from '../helpers/capture-output.ts'

export interface ToolCase {
  tool: 'upsc' | 'upsrw' | 'upscmd'
  args: string[]
}

export type ToolResult = CapturedRun

async function runCase(item: ToolCase): Promise<ToolResult> {
  const module = (await import(`../../src/cli/commands/${item.tool}.ts`)) as {
    run(args: string[]): Promise<number>
  }
  return captureOutput(() => module.run([...item.args]))
}

const path = process.argv[2]
if (path !== undefined) {
  const cases = JSON.parse(readFileSync(path, 'utf8')) as ToolCase[]
  const results: ToolResult[] = []
  for (const item of cases) results.push(await runCase(item))
  process.stdout.write(JSON.stringify(results))
}
