import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createNutDir, type NutDir } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'
import { readLines, writeMarkerScripts } from '../interop/monitor-support.ts'

// Events only the monitor raises (SHUTDOWN, SHUTDOWN_HOSTSYNC) reach the rules under
// `nutshell serve` as they do under `nutshell monitor`: one assembly wires both (issue 7).
// The device replays OL, then OB LB: the in-process monitor shuts down, and the rule
// `on SHUTDOWN` writes its marker. Rules files come from the YAML config or from
// `serve --nut-confpath DIR --rules FILE`.
const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const processes = new ProcessGroup()
const dirs: NutDir[] = []

after(async () => {
  await processes.stopAll()
  for (const dir of dirs) await dir.cleanup()
})

const powerCut = 'ups.status: OL\nbattery.charge: 100\nTIMER 1\nups.status: OB LB\nTIMER 3600\n'

async function setUp(port: number): Promise<NutDir> {
  const dir = await createNutDir({
    'ups.conf': '[rack]\n\tdriver = dummy-ups\n\tport = rack.seq\n\tmode = dummy-once\n',
    'rack.seq': powerCut,
    'upsd.conf': `LISTEN 127.0.0.1 ${port}\n`,
    'upsd.users': '[admin]\n\tpassword = adminpass\n\tactions = SET\n',
  })
  dirs.push(dir)
  await writeMarkerScripts(dir.base)
  // `on SHUTDOWN` runs the marker script with the device and event in its environment.
  await writeFile(
    join(dir.base, 'site.rules'),
    `on SHUTDOWN {\n  exec ["${dir.base}/notify.sh", "rule"]\n}\n`,
  )
  return dir
}

async function expectRuleOnShutdown(dir: NutDir, name: string): Promise<void> {
  const base = dir.base
  await waitFor(async () => (await readLines(join(base, 'shutdown.log'))).length > 0, {
    what: `SHUTDOWNCMD\n${processes.outputOf(name)}`,
    timeoutMs: 20_000,
  })
  await waitFor(
    async () => (await readLines(join(base, 'notify.log'))).includes('rule SHUTDOWN rack'),
    { what: `the rule on SHUTDOWN\n${processes.outputOf(name)}`, timeoutMs: 10_000 },
  )
}

describe('a rule on SHUTDOWN under nutshell serve', () => {
  it('fires with the YAML configuration (monitor and rules sections)', async () => {
    const port = await freePort()
    const dir = await setUp(port)
    const base = dir.base
    await writeFile(
      join(base, 'nutshell.yaml'),
      `server:
  listen: [127.0.0.1:${port}]
devices:
  - name: rack
    driver: dummy-ups
    port: ${join(dir.etc, 'rack.seq')}
    options:
      mode: dummy-once
monitor:
  monitors:
    - system: rack@localhost:${port}
      user: local
      password: local
      role: primary
  shutdownCommand: "${base}/shutdown.sh serve"
  finalDelay: 0s
  pollFreq: 60s
rules:
  files: [site.rules]
`,
    )
    processes.start('yaml', process.execPath, [
      '--import',
      'tsx',
      cli,
      'serve',
      '--config',
      join(base, 'nutshell.yaml'),
    ])
    await expectRuleOnShutdown(dir, 'yaml')
  })

  it('fires with NUT files and --rules FILE', async () => {
    const port = await freePort()
    const dir = await setUp(port)
    const base = dir.base
    await writeFile(
      join(dir.etc, 'upsmon.conf'),
      `MONITOR rack@localhost:${port} 1 local local primary
SHUTDOWNCMD "${base}/shutdown.sh serve"
POLLFREQ 60
FINALDELAY 0
`,
    )
    processes.start('nut', process.execPath, [
      '--import',
      'tsx',
      cli,
      'serve',
      '--nut-confpath',
      dir.etc,
      '--rules',
      join(base, 'site.rules'),
    ])
    await expectRuleOnShutdown(dir, 'nut')
  })
})
