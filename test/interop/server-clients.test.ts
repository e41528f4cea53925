/**
 * Debian's real NUT 2.8.0 clients (upsc, upsrw, upscmd, PyNUT, upsmon) against nutshell's
 * NUT server, started in-process on a hand-filled store.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Device } from '../../src/devices/device.ts'
import { createNutDir, nutBinaries } from '../helpers/nut-peer.ts'
import {
  LineClient,
  type RecordedCall,
  type RunningServer,
  sampleStore,
  startTestServer,
  testServerConfig,
} from '../helpers/nut-server-fixture.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup, run } from '../helpers/processes.ts'
import { withUpsmonLock } from '../helpers/upsmon-lock.ts'
import { waitFor } from '../helpers/wait.ts'

let running: RunningServer
let calls: RecordedCall[]
let dummy: Device
let target: string

const env = { ...process.env, NUT_CONFPATH: '/nonexistent' }

function client(program: string, args: string[]) {
  return run(program, args, { env, timeoutMs: 15_000 })
}

function python(code: string) {
  const prelude = `import PyNUT\nc = PyNUT.PyNUTClient(host="127.0.0.1", port=${running.port}, login="admin", password="adminpass")\n`
  return run(nutBinaries.python3, ['-W', 'ignore', '-c', prelude + code], { timeoutMs: 15_000 })
}

describe('real NUT clients against nutshell', () => {
  before(async () => {
    const sample = sampleStore()
    calls = sample.calls
    dummy = sample.dummy
    const port = await freePort()
    running = await startTestServer({
      store: sample.store,
      server: testServerConfig({ listen: [{ host: '127.0.0.1', port }] }),
    })
    target = `dummy@127.0.0.1:${port}`
  })
  after(() => running.stop())

  it('upsc lists devices, with and without descriptions', async () => {
    const list = await client(nutBinaries.upsc, ['-l', `127.0.0.1:${running.port}`])
    assert.equal(list.code, 0, list.stderr)
    assert.equal(list.stdout, 'dummy\nother\n')
    const long = await client(nutBinaries.upsc, ['-L', `127.0.0.1:${running.port}`])
    assert.equal(
      long.stdout,
      'dummy: Test "quoted" UPS # not a comment\nother: Description unavailable\n',
    )
  })

  it('upsc reads one variable and all variables', async () => {
    const one = await client(nutBinaries.upsc, [target, 'ups.status'])
    assert.equal(one.stdout, 'OL CHRG\n')
    const all = await client(nutBinaries.upsc, [target])
    assert.equal(all.code, 0)
    assert.match(all.stdout, /^battery\.charge: 100\n/m)
    assert.match(all.stdout, /^ups\.description: back\\slash and "quotes" and # hash$/m)
    assert.match(all.stdout, /^ups\.id: quoted {2}two-space value$/m)
    const missing = await client(nutBinaries.upsc, [target, 'no.such'])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /Variable not supported by UPS/)
    const unknown = await client(nutBinaries.upsc, [`nosuch@127.0.0.1:${running.port}`])
    assert.match(unknown.stderr, /Unknown UPS/)
  })

  it('upsc -c lists the logged-in clients', async () => {
    const login = await LineClient.connect(running.port)
    await login.request('USERNAME mons')
    await login.request('PASSWORD secpass')
    assert.equal(await login.request('LOGIN dummy'), 'OK')
    const clients = await client(nutBinaries.upsc, ['-c', target])
    assert.equal(clients.stdout, '127.0.0.1\n')
    login.close()
  })

  it('upsrw lists writable variables with their types', async () => {
    const list = await client(nutBinaries.upsrw, [target])
    assert.equal(list.code, 0, list.stderr)
    assert.match(
      list.stdout,
      /\[ups\.id\]\n.*\nType: STRING\nMaximum length: 16\nValue: quoted {2}two-space value\n/,
    )
    assert.match(
      list.stdout,
      /\[input\.transfer\.low\]\n.*\nType: ENUM NUMBER\nOption: "170"\nOption: "180" SELECTED\n/,
    )
    assert.match(
      list.stdout,
      /\[input\.transfer\.high\]\n.*\nType: RANGE NUMBER\nOption: "250-270" SELECTED\nOption: "280-290"\n/,
    )
  })

  it('upsrw sets values, with and without waiting for the result', async () => {
    const set = await client(nutBinaries.upsrw, [
      '-s',
      'ups.id=fromupsrw',
      '-u',
      'admin',
      '-p',
      'adminpass',
      target,
    ])
    assert.equal(set.code, 0, set.stderr)
    assert.deepEqual(calls.at(-1), { kind: 'set', name: 'ups.id', value: 'fromupsrw' })
    const wait = await client(nutBinaries.upsrw, [
      '-s',
      'ups.id=with space',
      '-u',
      'admin',
      '-p',
      'adminpass',
      '-w',
      target,
    ])
    assert.equal(wait.code, 0, wait.stderr)
    assert.match(wait.stdout + wait.stderr, /SUCCESS/)
    assert.equal(dummy.getValue('ups.id'), 'with space')
    const denied = await client(nutBinaries.upsrw, [
      '-s',
      'ups.id=x',
      '-u',
      'viewer',
      '-p',
      'viewpass',
      target,
    ])
    assert.notEqual(denied.code, 0)
    assert.match(denied.stderr, /ERR ACCESS-DENIED/)
  })

  it('upscmd lists and runs commands, with parameter and with -w', async () => {
    const list = await client(nutBinaries.upscmd, ['-l', target])
    assert.equal(list.code, 0, list.stderr)
    assert.match(list.stdout, /^load\.off - .+$/m)
    assert.match(list.stdout, /^test\.battery\.start - .+$/m)
    const runIt = await client(nutBinaries.upscmd, [
      '-u',
      'admin',
      '-p',
      'adminpass',
      target,
      'load.off',
    ])
    assert.equal(runIt.code, 0, runIt.stderr)
    assert.deepEqual(calls.at(-1), { kind: 'instcmd', name: 'load.off', value: undefined })
    const withParam = await client(nutBinaries.upscmd, [
      '-u',
      'admin',
      '-p',
      'adminpass',
      target,
      'load.off',
      '5',
    ])
    assert.equal(withParam.code, 0, withParam.stderr)
    assert.deepEqual(calls.at(-1), { kind: 'instcmd', name: 'load.off', value: '5' })
    const wait = await client(nutBinaries.upscmd, [
      '-u',
      'admin',
      '-p',
      'adminpass',
      '-w',
      target,
      'test.battery.start',
    ])
    assert.equal(wait.code, 0, wait.stderr)
    assert.match(wait.stdout + wait.stderr, /SUCCESS/)
    const unsupported = await client(nutBinaries.upscmd, [
      '-u',
      'admin',
      '-p',
      'adminpass',
      target,
      'no.such',
    ])
    assert.match(unsupported.stderr, /ERR CMD-NOT-SUPPORTED/)
  })

  it('PyNUT reads, sets and runs commands', async () => {
    const result = await python(
      [
        'd = lambda x: x.decode() if isinstance(x, bytes) else str(x)',
        'v = c.GetUPSVars("dummy")',
        'print(d(v[b"ups.status"]))',
        'print(sorted(d(k) for k in c.GetRWVars("dummy"))[0])',
        'print(d(c.SetRWVar("dummy", "battery.charge.low", "30")))',
        'print(d(c.RunUPSCommand("dummy", "load.off")))',
        'print(sorted(d(k) for k in c.GetUPSCommands("dummy"))[0])',
        'print(d(c.help()).strip())',
        'print(d(c.ver()).strip())',
      ].join('\n'),
    )
    assert.equal(result.code, 0, result.stderr)
    const lines = result.stdout.trim().split('\n')
    assert.equal(lines[0], 'OL CHRG')
    assert.equal(lines[1], 'battery.charge')
    assert.equal(lines[2], 'OK')
    assert.equal(lines[3], 'OK')
    assert.equal(lines[4], 'load.off')
    assert.match(lines[5] ?? '', /^Commands: HELP VER/)
    assert.match(lines[6] ?? '', /nutshell/)
    assert.equal(dummy.getValue('battery.charge.low'), '30')
  })

  it('real upsmon logs in as a secondary and shows in LIST CLIENT', async () => {
    const dir = await createNutDir()
    const conf = await dir.write(
      'upsmon.conf',
      `MONITOR ${target} 1 mons secpass secondary\nMINSUPPLIES 1\nSHUTDOWNCMD "/bin/true"\nPOLLFREQ 1\nPOLLFREQALERT 1\nDEADTIME 6\nRUN_AS_USER root\n`,
      0o600,
    )
    const group = new ProcessGroup()
    try {
      await withUpsmonLock(async () => {
        const upsmon = group.start(
          'upsmon',
          nutBinaries.upsmon,
          ['-D', '-u', 'root', '-f', conf],
          dir.env,
        )
        try {
          const probe = await LineClient.connect(running.port)
          try {
            await waitFor(
              async () => (await probe.request('GET NUMLOGINS dummy')) === 'NUMLOGINS dummy 1',
              { what: 'upsmon to log in' },
            )
          } catch (error) {
            throw new Error(`upsmon did not log in; its output: ${group.outputOf('upsmon')}`, {
              cause: error,
            })
          }
          assert.equal(
            await probe.request('LIST CLIENT dummy'),
            'BEGIN LIST CLIENT dummy\nCLIENT dummy 127.0.0.1\nEND LIST CLIENT dummy',
          )
          probe.close()
        } finally {
          // Stop upsmon's forked child first (it holds the connection), then the parent.
          const children = await run('/usr/bin/pgrep', ['-P', String(upsmon.pid)])
          for (const pid of children.stdout
            .split('\n')
            .map(Number)
            .filter((p) => p > 0)) {
            try {
              process.kill(pid, 'SIGTERM')
            } catch {}
          }
          await group.stopAll()
        }
      })
      await waitFor(() => running.server.connectionCount === 0, { what: 'upsmon to disconnect' })
    } finally {
      await dir.cleanup()
    }
  })
})
