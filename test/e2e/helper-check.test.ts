import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

describe('nutshell helper --check', () => {
  it('reports every road and confinement tool of this host, as text and as JSON', async () => {
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', cli, 'helper', '--check', ...args])
        .then((r) => ({ code: 0, stdout: r.stdout }))
        .catch((e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }))
    const text = await run([])
    for (const name of ['bubblewrap', 'permission-model', 'logind', 'initctl', 'helper-socket'])
      assert.match(text.stdout, new RegExp(`^\\[(yes|no)\\] +${name}$`, 'm'))
    const json = await run(['--json'])
    const reports = JSON.parse(json.stdout) as Array<{ name: string; available: boolean }>
    assert.deepEqual(
      reports.map((r) => r.name),
      ['bubblewrap', 'permission-model', 'logind', 'initctl', 'helper-socket', 'command'],
    )
    assert.equal(json.code, text.code)
  })
})
