import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { chown, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { run } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'
import {
  loginCount,
  readLines,
  repoRoot,
  setStatus,
  startNutForMonitor,
  upsmonConf,
} from './monitor-support.ts'

// Item 6: the monitor needs no privilege of its own. Run as `nobody` against real upsd, it
// logs in, sees OB LB, sets FSD, writes POWERDOWNFLAG and runs SHUTDOWNCMD, which is the one
// place a real installation grants root (docs/monitor.md: a sudo rule or polkit).
const nobody = 65534

describe('nutshell monitor as an unprivileged user', () => {
  it('shuts down through SHUTDOWNCMD without any privilege of its own', async () => {
    const nut = await startNutForMonitor()
    let child: ChildProcess | undefined
    const output: string[] = []
    try {
      const base = nut.dir.base
      await writeFile(join(base, 'shutdown.sh'), `#!/bin/sh\nid -u > ${base}/shutdown-uid\n`, {
        mode: 0o755,
      })
      const conf = join(nut.dir.etc, 'upsmon-nobody.conf')
      await writeFile(conf, upsmonConf({ base, port: nut.port, role: 'primary' }), { mode: 0o640 })
      for (const path of [base, nut.dir.etc, conf]) await chown(path, nobody, nobody)
      child = spawn(
        process.execPath,
        ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'monitor', '-f', conf],
        {
          cwd: repoRoot,
          env: { ...nut.dir.env, HOME: base, NUT_ALTPIDPATH: base },
          uid: nobody,
          gid: nobody,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      child.stdout?.setEncoding('utf8').on('data', (d: string) => output.push(d))
      child.stderr?.setEncoding('utf8').on('data', (d: string) => output.push(d))
      await waitFor(async () => (await loginCount(nut)) === 1, {
        what: 'the unprivileged monitor logged in',
        timeoutMs: 15_000,
      }).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${output.join('')}`)
      })
      await setStatus(nut, 'OB LB')
      await waitFor(async () => (await readLines(join(base, 'shutdown-uid'))).length > 0, {
        what: 'SHUTDOWNCMD',
      })
      assert.equal((await readFile(join(base, 'shutdown-uid'), 'utf8')).trim(), String(nobody))
      assert.equal(await readFile(join(base, 'killpower-primary'), 'utf8'), 'upsmon-shutdown-file')
      const status = await run('/usr/bin/upsc', [`dummy@127.0.0.1:${nut.port}`, 'ups.status'])
      assert.match(status.stdout, /^FSD /)
    } finally {
      if (child !== undefined && child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit')
        child.kill('SIGTERM')
        const timer = setTimeout(() => child?.kill('SIGKILL'), 3000)
        await exited
        clearTimeout(timer)
      }
      await nut.stop()
    }
  })
})
