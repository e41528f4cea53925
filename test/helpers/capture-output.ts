export interface CapturedRun {
  code: number
  stdout: string
  stderr: string
}

type Writer = typeof process.stdout.write

/**
 * Runs a CLI command's `run` in this process with stdout and stderr captured, so that a
 * test can run many cases without paying Node's start-up for each.
 */
export async function captureOutput(run: () => Promise<number>): Promise<CapturedRun> {
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
    const code = await run()
    return { code, stdout, stderr }
  } finally {
    process.stdout.write = realOut
    process.stderr.write = realErr
  }
}
