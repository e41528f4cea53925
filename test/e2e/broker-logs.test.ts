import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createNutDir, type NutDir } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'

// What the assembly logs (issue 7, 3.2): one summary line once it runs, one line when it
// stops, and a first line of a failure that says its cause.
const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const processes = new ProcessGroup()
const dirs: NutDir[] = []

after(async () => {
  await processes.stopAll()
  for (const dir of dirs) await dir.cleanup()
})

function logLines(name: string): Array<Record<string, unknown>> {
  return processes
    .outputOf(name)
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('broker logs', () => {
  it('serve logs one startup summary and one line on shutdown', async () => {
    const port = await freePort()
    const dir = await createNutDir({
      'ups.conf': '[rack]\n\tdriver = dummy-ups\n\tport = rack.dev\n',
      'rack.dev': 'ups.status: OL\nbattery.charge: 100\n',
      'upsd.conf': `LISTEN 127.0.0.1 ${port}\n`,
      'upsd.users':
        '[admin]\n\tpassword = a\n\tactions = SET\n[mon]\n\tpassword = m\n\tupsmon primary\n',
      'upsmon.conf': `MONITOR rack@localhost:${port} 1 mon m primary\nSHUTDOWNCMD "/bin/true"\n`,
    })
    dirs.push(dir)
    const rules = join(dir.base, 'site.rules')
    await writeFile(rules, 'on ONBATT {\n  log "on battery"\n}\non ONLINE {\n  log "back"\n}\n')
    const child = processes.start('serve', process.execPath, [
      '--import',
      'tsx',
      cli,
      'serve',
      '--nut-confpath',
      dir.etc,
      '--rules',
      rules,
    ])
    const started = await waitFor(
      () =>
        logLines('serve').find(
          (l) => l['msg'] !== undefined && String(l['msg']).includes('started'),
        ),
      {
        what: `the startup summary\n${processes.outputOf('serve')}`,
        timeoutMs: 20_000,
      },
    )
    assert.equal(
      started['msg'],
      `nutshell serve started: 1 device, listening on 127.0.0.1:${port}, 2 users, monitor on (1 UPS), 2 rules`,
    )
    assert.equal(started['devices'], 1)
    assert.deepEqual(started['listeners'], [`127.0.0.1:${port}`])
    assert.equal(started['users'], 2)
    assert.equal(started['monitor'], 'on')
    assert.equal(started['rules'], 2)
    child.kill('SIGTERM')
    await waitFor(() => child.exitCode !== null, {
      what: `serve to exit\n${processes.outputOf('serve')}`,
      timeoutMs: 20_000,
    })
    assert.equal(child.exitCode, 0)
    const stopped = logLines('serve').filter((l) => String(l['msg']).includes('stopped'))
    assert.equal(stopped.length, 1)
    assert.equal(stopped[0]?.['msg'], 'nutshell serve stopped')
    assert.equal(stopped[0]?.['reason'], 'SIGTERM')
  })

  it('monitor --local before its driver first says the driver socket is not there yet', async () => {
    const dir = await createNutDir({
      'ups.conf': '[ups1]\n\tdriver = dummy-ups\n\tport = ups1.dev\n',
      'upsmon.conf': 'SHUTDOWNCMD "/bin/true"\n',
    })
    dirs.push(dir)
    processes.start('local', process.execPath, [
      '--import',
      'tsx',
      cli,
      'monitor',
      '--local',
      '--nut-confpath',
      dir.etc,
      '--state-path',
      dir.run,
      '--pid-file',
      join(dir.run, 'monitor.pid'),
    ])
    await waitFor(() => logLines('local').some((l) => String(l['msg']).includes('started')), {
      what: `the monitor to start\n${processes.outputOf('local')}`,
      timeoutMs: 20_000,
    })
    const first = logLines('local')[0]
    assert.equal(
      first?.['msg'],
      `driver socket ${join(dir.run, 'dummy-ups-ups1')} not there yet (is the driver running?)`,
    )
    await processes.stop('local')
  })
})
