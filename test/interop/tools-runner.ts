/**
 * Runs many `nutshell upsc|upsrw|upscmd` invocations in one process, so that the interop
 * tests pay Node's (and tsx's) start-up once instead of once per case. Each case calls the
 * command's `run(args)` exactly as src/cli/main.ts does, with stdout and stderr captured.
 * Cases that read stdin (prompts) are run as real processes by the tests instead.
 *
 * Usage: node --import tsx test/interop/tools-runner.ts CASES.json  → JSON results on stdout
 */
import { readFileSync } from 'node:fs'

export interface ToolCase {
  tool: 'upsc' | 'upsrw' | 'upscmd'
  args: string[]
}

export interface ToolResult {
  code: number
  stdout: string
  stderr: string
}

type Writer = typeof process.stdout.write

async function runCase(item: ToolCase): Promise<ToolResult> {
  const module = (await import(`../../src/cli/commands/${item.tool}.ts`)) as {
    run(args: string[]): Promise<number>
  }
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
    const code = await module.run([...item.args])
    return { code, stdout, stderr }
  } finally {
    process.stdout.write = realOut
    process.stderr.write = realErr
  }
}

const path = process.argv[2]
if (path !== undefined) {
  const cases = JSON.parse(readFileSync(path, 'utf8')) as ToolCase[]
  const results: ToolResult[] = []
  for (const item of cases) results.push(await runCase(item))
  process.stdout.write(JSON.stringify(results))
}
