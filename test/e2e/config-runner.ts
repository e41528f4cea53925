/**
 * Runs several `nutshell config ...` invocations in one process (Node and tsx start once),
 * each exactly as src/cli/main.ts runs it, with stdout and stderr captured.
 *
 * Usage: node --import tsx test/e2e/config-runner.ts CASES.json  → JSON results on stdout
 */
import { readFileSync } from 'node:fs'
import { run } from '../../src/cli/commands/config.ts'

export interface ConfigRunResult {
  code: number
  stdout: string
  stderr: string
}

type Writer = typeof process.stdout.write

async function runCase(args: string[]): Promise<ConfigRunResult> {
  let stdout = ''
  let stderr = ''
  const realOut: Writer = process.stdout.write.bind(process.stdout)
  const realErr: Writer = process.stderr.write.bind(process.stderr)
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  }) as Writer
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk)
    return true
  }) as Writer
  try {
    const code = await run(args)
    return { code, stdout, stderr }
  } finally {
    process.stdout.write = realOut
    process.stderr.write = realErr
  }
}

const path = process.argv[2]
if (path !== undefined) {
  const cases = JSON.parse(readFileSync(path, 'utf8')) as string[][]
  const results: ConfigRunResult[] = []
  for (const args of cases) results.push(await runCase(args))
  process.stdout.write(JSON.stringify(results))
}
