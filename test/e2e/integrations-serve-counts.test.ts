import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createNutDir, type NutDir, nutBinaries } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup, run } from '../helpers/processes.ts'
import { canConnect, waitFor } from '../helpers/wait.ts'

// `nutshell serve` with the web face and Prometheus: real upsc, upsrw -w and upscmd -w
// requests show in nutshell's own metrics on the web listener's /metrics.
const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const processes = new ProcessGroup()
const dirs: NutDir[] = []

after(async () => {
  await processes.stopAll()
  await Promise.all(dirs.map((d) => d.cleanup()))
})

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('nutshell serve: NUT requests and command results in /metrics', {
  timeout: 60_000,
}, () => {
  it('counts upsc requests, ERR replies and every tracked SET / INSTCMD result', async () => {
    const [nut, web] = [await freePort(), await freePort()]
    const dir = await createNutDir({
      'rack.dev': 'ups.status: OL\nbattery.charge: 90\nups.model: R1\n',
      'nutshell.yaml': [
        `server: {listen: ["127.0.0.1:${nut}"]}`,
        'devices: [{name: rack, driver: dummy-ups, port: rack.dev}]',
        'users: [{name: admin, password: pw, actions: [SET], instcmds: [all]}]',
        `web: {listen: "127.0.0.1:${web}"}`,
        'integrations: {prometheus: {}}',
        '',
      ].join('\n'),
    })
    dirs.push(dir)
    processes.start('serve', process.execPath, [
      '--import',
      'tsx',
      cli,
      'serve',
      '--config',
      join(dir.etc, 'nutshell.yaml'),
    ])
    await waitFor(() => canConnect(nut), { what: 'nutshell serve', timeoutMs: 20_000 })
    await waitFor(() => canConnect(web), { what: 'web face', timeoutMs: 20_000 })
    const scrape = async () => (await fetch(`http://127.0.0.1:${web}/metrics`)).text()
    const before = await scrape()
    const requests0 = sample(before, 'nutshell_face_requests_total{face="nut"}') ?? 0
    const errors0 = sample(before, 'nutshell_face_errors_total{face="nut",kind="ERR"}') ?? 0

    const target = `rack@127.0.0.1:${nut}`
    await waitFor(
      async () => (await run(nutBinaries.upsc, [target, 'battery.charge'])).stdout === '90\n',
    )
    const missing = await run(nutBinaries.upsc, [`nosuch@127.0.0.1:${nut}`, 'battery.charge'])
    assert.match(missing.stderr, /Unknown UPS/)
    const auth = ['-u', 'admin', '-p', 'pw', '-w']
    const set = await run(nutBinaries.upsrw, ['-s', 'ups.model=R2', ...auth, target])
    assert.match(set.stdout + set.stderr, /SUCCESS/)
    // dummy-ups lists load.off but refuses every command: the tracked result is ERR UNKNOWN.
    const cmd = await run(nutBinaries.upscmd, [...auth, target, 'load.off'])
    assert.match(cmd.stdout + cmd.stderr, /UNKNOWN/)

    const scraped = await scrape()
    const requests = sample(scraped, 'nutshell_face_requests_total{face="nut"}') ?? 0
    const errors = sample(scraped, 'nutshell_face_errors_total{face="nut",kind="ERR"}') ?? 0
    // upsc alone sends several lines (VER/NETVER, GET VAR ...); the unknown UPS is one ERR at least.
    assert.ok(requests - requests0 >= 6, `requests ${requests0} -> ${requests}`)
    assert.ok(errors - errors0 >= 1, `errors ${errors0} -> ${errors}`)
    assert.equal(
      sample(scraped, 'nutshell_command_results_total{device="rack",kind="set",outcome="SUCCESS"}'),
      1,
    )
    assert.equal(
      sample(
        scraped,
        'nutshell_command_results_total{device="rack",kind="instcmd",outcome="ERR UNKNOWN"}',
      ),
      1,
    )
    const check = spawnSync('promtool', ['check', 'metrics'], { input: scraped, encoding: 'utf8' })
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`)
  })
})
