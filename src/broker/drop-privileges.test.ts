import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { isNutshellError } from '../core/errors.ts'
import { silentLogger } from '../core/log.ts'
import { dropPrivileges } from './drop-privileges.ts'

// Tests run as root. Only the paths that keep the identity run in-process; the drop itself
// is tested on real processes (test/e2e/serve-drop-privileges.test.ts).
describe('dropping privileges', () => {
  const log = silentLogger()
  let dir = ''
  let passwd = ''
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-passwd-'))
    passwd = join(dir, 'passwd')
    await writeFile(passwd, 'root:x:0:0:root:/root:/bin/sh\n')
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('refuses an unknown named user', () => {
    assert.throws(
      () => dropPrivileges({ requested: 'no-such-user-here', allowRoot: true, log, passwd }),
      (e: unknown) => isNutshellError(e) && e.message.includes('no-such-user-here'),
    )
  })

  it('refuses to stay root with nothing to drop to, unless --allow-root', () => {
    assert.throws(
      () => dropPrivileges({ requested: undefined, allowRoot: false, log, passwd }),
      (e: unknown) => isNutshellError(e) && e.message.includes('--allow-root'),
    )
    assert.equal(dropPrivileges({ requested: undefined, allowRoot: true, log, passwd }), undefined)
    assert.equal(process.getuid?.(), 0)
  })

  it('stays root when root itself is asked for', () => {
    assert.equal(dropPrivileges({ requested: 'root', allowRoot: false, log, passwd }), undefined)
    assert.equal(process.getuid?.(), 0)
  })
})
