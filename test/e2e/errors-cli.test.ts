import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { errorCatalogue } from '../../src/core/errors.ts'
import { createNutDir, type NutDir } from '../helpers/nut-peer.ts'
import { run } from '../helpers/processes.ts'

// A failure as a person at a terminal meets it: the real CLI in a child process prints the
// cause with its code, what to do, and where docs/errors.md explains it; exit status 1.
const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const dirs: NutDir[] = []
after(() => Promise.all(dirs.map((d) => d.cleanup())))

function nutshell(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', cli, ...args])
}

/** The three lines every failure ends with, for `code`. */
function advice(code: keyof typeof errorCatalogue): string {
  return `  ${errorCatalogue[code]}\n  (see docs/errors.md#${code.toLowerCase()})\n`
}

describe('errors at the command line', () => {
  it('the top-level handler: a daemon that is not running', async () => {
    // No process has this id (above every pid_max Linux allows).
    const r = await nutshell('monitor', '-c', 'reload', '-P', '2147483646')
    assert.equal(r.code, 1)
    assert.equal(
      r.stderr,
      `nutshell: cannot signal process 2147483646: is the monitor running? [NS_NOT_RUNNING]\n${advice('NS_NOT_RUNNING')}`,
    )
  })

  it('a configuration file that is not there', async () => {
    const dir = await createNutDir({})
    dirs.push(dir)
    const r = await nutshell('serve', '--config', join(dir.etc, 'none.yaml'))
    assert.equal(r.code, 1)
    assert.ok(
      r.stderr.endsWith(
        `nutshell serve: the configuration has errors; nothing was started [NS_CONFIG_READ]\n${advice('NS_CONFIG_READ')}`,
      ),
      r.stderr,
    )
  })

  it('a YAML file that does not parse', async () => {
    const dir = await createNutDir({ 'bad.yaml': 'devices:\n  - name: a\n   driver: x\n' })
    dirs.push(dir)
    const r = await nutshell('serve', '--config', join(dir.etc, 'bad.yaml'))
    assert.equal(r.code, 1)
    assert.match(r.stderr, /bad\.yaml:3:1: error syntax/)
    assert.match(r.stderr, /nothing was started \[NS_CONFIG_SYNTAX\]\n/)
  })

  it('a port another program holds', async () => {
    const holder: Server = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    try {
      const port = (holder.address() as { port: number }).port
      const dir = await createNutDir({
        'nutshell.yaml': `server:\n  listen:\n    - host: 127.0.0.1\n      port: ${port}\ndevices:\n  - name: ups\n    driver: dummy-ups\n    port: ups.dev\n`,
        'ups.dev': 'ups.status: OL\n',
      })
      dirs.push(dir)
      const r = await nutshell('serve', '--config', join(dir.etc, 'nutshell.yaml'))
      assert.equal(r.code, 1, r.stderr)
      assert.ok(
        r.stderr.endsWith(
          `nutshell serve: cannot listen on 127.0.0.1 port ${port}: address already in use (EADDRINUSE) [NS_LISTEN_FAILED]\n${advice('NS_LISTEN_FAILED')}`,
        ),
        r.stderr,
      )
    } finally {
      await new Promise((resolve) => holder.close(resolve))
    }
  })
})
