import assert from 'node:assert/strict'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { findOnPath, nutshellCommand } from './how-to-run.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const script = join(root, 'src/cli/main.ts')
const dir = await mkdtemp(join(tmpdir(), 'ns-path-'))
after(() => rm(dir, { recursive: true, force: true }))

describe('nutshellCommand', () => {
  it('is `nutshell` when it is on the PATH', async () => {
    const bin = join(dir, 'bin')
    await mkdir(bin)
    await writeFile(join(bin, 'nutshell'), '#!/bin/sh\n')
    await chmod(join(bin, 'nutshell'), 0o755)
    assert.equal(findOnPath('nutshell', `/nonexistent:${bin}`), join(bin, 'nutshell'))
    assert.equal(nutshellCommand({ path: bin, cwd: dir, script, execArgv: [] }), 'nutshell')
  })

  it('is `npx nutshell` inside the checkout, else the running command line', () => {
    const context = { path: '/nonexistent', script, execArgv: ['--import', 'tsx'] }
    assert.equal(nutshellCommand({ ...context, cwd: join(root, 'docs') }), 'npx nutshell')
    assert.equal(nutshellCommand({ ...context, cwd: dir }), `node --import tsx ${script}`)
  })
})
