import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { jailCommand } from './jail.ts'

const plan = {
  node: '/usr/bin/node',
  codeDir: '/usr/lib/nutshell',
  stateDir: '/run/nut',
  reads: ['/tmp/x/data.seq', '/etc/nut/rules'],
  script: '/usr/lib/nutshell/dist/cli/main.js',
  args: ['monitor', '--power-road', 'helper-pipe:3'],
}

describe('the jail command line', () => {
  it('always runs under the permission model, without child processes or workers', () => {
    const { command, argv } = jailCommand({ ...plan, bwrap: undefined })
    assert.equal(command, '/usr/bin/node')
    assert.deepEqual(argv, [
      '--experimental-permission',
      '--allow-fs-read=/usr/lib/nutshell',
      '--allow-fs-read=/run/nut',
      '--allow-fs-read=/tmp/x/data.seq',
      '--allow-fs-read=/etc/nut/rules',
      '--allow-fs-write=/run/nut',
      '/usr/lib/nutshell/dist/cli/main.js',
      'monitor',
      '--power-road',
      'helper-pipe:3',
    ])
  })

  it('wraps it in bubblewrap: read-only root, private /tmp, own PID and IPC namespaces', () => {
    const { command, argv } = jailCommand({ ...plan, bwrap: '/usr/bin/bwrap' })
    assert.equal(command, '/usr/bin/bwrap')
    const end = argv.indexOf('--')
    const flags = argv.slice(0, end).join(' ')
    assert.equal(
      flags,
      '--ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --ro-bind /tmp/x/data.seq /tmp/x/data.seq --bind /run/nut /run/nut --unshare-pid --unshare-ipc --die-with-parent --new-session --cap-drop ALL',
    )
    assert.ok(!flags.includes('--share-net') && !flags.includes('--unshare-net'))
    assert.deepEqual(argv.slice(end + 1, end + 3), ['/usr/bin/node', '--experimental-permission'])
    assert.ok(
      !argv.some((a) => a.startsWith('--allow-child-process') || a.startsWith('--allow-worker')),
    )
  })
})
