import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { run } from '../helpers/processes.ts'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const cli = (args: string[]) =>
  run(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'monitor', ...args],
    {
      cwd: repoRoot,
    },
  )

// `nutshell monitor --test-notify TYPE`: try NOTIFYCMD without pulling the plug.
describe('nutshell monitor --test-notify', () => {
  it('runs NOTIFYCMD as the monitor would and reports it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-tn-'))
    try {
      await writeFile(
        join(dir, 'upsmon.conf'),
        `MONITOR ups1@localhost 1 u p primary\nNOTIFYCMD "${dir}/n.sh"\nNOTIFYFLAG ONBATT EXEC\n`,
      )
      await writeFile(join(dir, 'n.sh'), '#!/bin/sh\necho "got $NOTIFYTYPE $UPSNAME: $1"\n', {
        mode: 0o755,
      })
      const ok = await cli(['--nut-confpath', dir, '--test-notify', 'onbatt'])
      assert.equal(ok.code, 0, ok.stderr)
      assert.equal(
        ok.stdout,
        'ONBATT "UPS ups1@localhost on battery" via EXEC\nNOTIFYCMD: exit 0\ngot ONBATT ups1@localhost: UPS ups1@localhost on battery\n',
      )
      const bad = await cli(['--nut-confpath', dir, '--test-notify', 'bogus'])
      assert.equal(bad.code, 1)
      assert.match(bad.stderr, /not a notify type/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
