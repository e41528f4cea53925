import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { after, describe, it } from 'node:test'
import fc from 'fast-check'
import { silentLogger } from '../../core/log.ts'
import { DeviceStore } from '../../devices/device-store.ts'
import { loadDescriptions } from '../../server/descriptions.ts'
import { createPrometheusHandler } from './handler.ts'
import { startPrometheusListener } from './listener.ts'
import { nutExporterDefaultVariables, nutExporterOptions } from './nut-exporter.ts'
import { NutshellMetrics } from './nutshell-metrics.ts'
import { formatGoFloat } from './text-format.ts'
import { sampleValue } from './value-typing.ts'

const descriptions = loadDescriptions('/usr/share/nut/cmdvartab', silentLogger())

/** The Q1-simulated UPS of the reference (integrations.md 2.1). */
function referenceStore(): DeviceStore {
  const store = new DeviceStore()
  const device = store.add('q1')
  device.update(() => {
    device.setValue('battery.charge', '85')
    device.setValue('ups.load', '23')
    device.setValue('ups.status', 'OL')
    device.setValue('device.mfr', 'NUTSHELLSIM')
    device.setValue('device.model', 'Q1TEST')
    device.setValue('device.type', 'ups')
    device.setValue('battery.runtime', '1800')
    device.setValue('ups.beeper.status', 'enabled')
    device.setValue('ups.firmware', 'V1.2')
  })
  device.setCommState('ok')
  return store
}

function handlerFor(store: DeviceStore, settings: Parameters<typeof nutExporterOptions>[0] = {}) {
  const metrics = new NutshellMetrics({ store, version: '0.1.0' })
  after(() => metrics.stop())
  return createPrometheusHandler({
    store,
    describe: (name) => descriptions.variable(name),
    exporter: nutExporterOptions(settings),
    metrics,
  })
}

function promtool(text: string): { code: number | null; out: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
  return { code: r.status, out: `${r.stdout}${r.stderr}` }
}

describe('prometheus: nut_exporter exposition', () => {
  it('equals the reference text for the fixed device (nut_exporter defaults)', async () => {
    const handler = handlerFor(referenceStore(), { variables: [...nutExporterDefaultVariables] })
    const r = await handler({ path: '/ups_metrics', query: {} })
    assert.equal(r.status, 200)
    assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
    const zero = (flags: string[]) =>
      flags.map((f) => `network_ups_tools_ups_status{flag="${f}"} ${f === 'OL' ? 1 : 0}\n`).join('')
    assert.equal(
      r.body,
      '# HELP network_ups_tools_battery_charge Battery charge (percent of full) (battery.charge)\n' +
        '# TYPE network_ups_tools_battery_charge gauge\n' +
        'network_ups_tools_battery_charge 85\n' +
        '# HELP network_ups_tools_device_info UPS Device information\n' +
        '# TYPE network_ups_tools_device_info gauge\n' +
        'network_ups_tools_device_info{contact="",description="",location="",macaddr="",mfr="NUTSHELLSIM",model="Q1TEST",part="",serial="",type="ups"} 1\n' +
        '# HELP network_ups_tools_ups_load Load on UPS (percent of full) (ups.load)\n' +
        '# TYPE network_ups_tools_ups_load gauge\n' +
        'network_ups_tools_ups_load 23\n' +
        '# HELP network_ups_tools_ups_status UPS status (ups.status)\n' +
        '# TYPE network_ups_tools_ups_status gauge\n' +
        zero('BOOST BYPASS CAL CHRG DISCHRG FSD HB LB OB OFF OL OVER RB SD TRIM'.split(' ')) +
        '# HELP promhttp_metric_handler_requests_in_flight Current number of scrapes being served.\n' +
        '# TYPE promhttp_metric_handler_requests_in_flight gauge\n' +
        'promhttp_metric_handler_requests_in_flight 1\n' +
        '# HELP promhttp_metric_handler_requests_total Total number of scrapes by HTTP status code.\n' +
        '# TYPE promhttp_metric_handler_requests_total counter\n' +
        'promhttp_metric_handler_requests_total{code="200"} 0\n' +
        'promhttp_metric_handler_requests_total{code="500"} 0\n' +
        'promhttp_metric_handler_requests_total{code="503"} 0\n',
    )
    const again = await handler({ path: '/ups_metrics', query: {} })
    assert.match(again.body, /promhttp_metric_handler_requests_total\{code="200"\} 1\n/)
  })

  it('exports every number-like variable by default, typed as go.nut types them', async () => {
    const r = await handlerFor(referenceStore())({ path: '/ups_metrics', query: { ups: 'q1' } })
    assert.match(r.body, /\nnetwork_ups_tools_battery_runtime 1800\n/)
    assert.match(r.body, /\nnetwork_ups_tools_ups_beeper_status 1\n/)
    assert.doesNotMatch(r.body, /ups_firmware/) // text: dropped
    assert.match(
      r.body,
      /# HELP network_ups_tools_battery_runtime Battery runtime \(seconds\) \(battery\.runtime\)/,
    )
  })

  it('shows FSD as a flag while latched, and honours statuses= and variables=', async () => {
    const store = referenceStore()
    store.get('q1')?.latchFsd()
    const r = await handlerFor(store)({
      path: '/ups_metrics',
      query: new URLSearchParams('ups=q1&server=127.0.0.1&variables=ups.status&statuses=OB'),
    })
    assert.match(r.body, /network_ups_tools_ups_status\{flag="FSD"\} 1\n/)
    assert.match(r.body, /network_ups_tools_ups_status\{flag="OB"\} 0\n/)
    assert.doesNotMatch(r.body, /flag="LB"|battery_charge/)
  })

  it('fails the scrape as nut_exporter does: several UPSes without ups=, unknown, stale', async () => {
    const store = referenceStore()
    store.add('other').setCommState('stale')
    const handler = handlerFor(store)
    const many = await handler({ path: '/ups_metrics', query: {} })
    assert.equal(many.status, 500)
    assert.match(
      many.body,
      /^An error has occurred while serving metrics:\n\nMultiple UPS devices were found\. Please add a ups=<name> query string \(one of: q1, other\)\n$/,
    )
    const unknown = await handler({ path: '/ups_metrics', query: { ups: 'nope' } })
    assert.equal(unknown.status, 500)
    assert.match(unknown.body, /nope UPS is not a valid name/)
    const stale = await handler({ path: '/ups_metrics', query: { ups: 'other' } })
    assert.equal(stale.status, 500)
    assert.match(stale.body, /DATA-STALE/)
    const good = await handler({ path: '/ups_metrics', query: { ups: 'q1' } })
    assert.equal(good.status, 200)
    assert.equal((await handler({ path: '/nope', query: {} })).status, 404)
  })

  it('passes promtool check metrics on /ups_metrics and /metrics', async () => {
    const store = referenceStore()
    const metrics = new NutshellMetrics({ store, version: '0.1.0' })
    after(() => metrics.stop())
    metrics.face('apcupsd-nis').request()
    metrics.face('apcupsd-nis').error('too-long')
    metrics.notification('ONBATT')
    metrics.ruleFired('low-battery')
    metrics.commandResult('q1', 'instcmd', 'SUCCESS')
    metrics.connectionSource('nut', () => 3)
    const handler = createPrometheusHandler({
      store,
      describe: (name) => descriptions.variable(name),
      exporter: nutExporterOptions(),
      metrics,
    })
    for (const path of ['/ups_metrics', '/metrics']) {
      const r = await handler({ path, query: {} })
      assert.equal(r.status, 200)
      const check = promtool(r.body)
      assert.equal(check.code, 0, `${path}: ${check.out}`)
      assert.equal(check.out, '', path)
    }
    store.get('q1')?.setValue('ups.load', '24')
    const own = (await handler({ path: '/metrics', query: {} })).body
    assert.match(own, /nutshell_device_comm_state\{device="q1",state="ok"\} 1/)
    assert.match(own, /nutshell_face_connections\{face="nut"\} 3/)
    assert.match(
      own,
      /nutshell_command_results_total\{device="q1",kind="instcmd",outcome="SUCCESS"\} 1/,
    )
    assert.match(own, /nutshell_device_changes_total\{device="q1"\} 1\n/)
    assert.match(own, /process_resident_memory_bytes/)
  })

  it("adds a face's own totals at scrape time and counts every settled command", async () => {
    const store = referenceStore()
    const metrics = new NutshellMetrics({ store, version: '0.1.0', processMetrics: false })
    after(() => metrics.stop())
    const totals = { requests: 0, errors: 0 }
    metrics.countSource('nut', 'ERR', () => totals)
    const handler = createPrometheusHandler({
      store,
      describe: (name) => descriptions.variable(name),
      exporter: nutExporterOptions(),
      metrics,
    })
    const scrape = async () => (await handler({ path: '/metrics', query: {} })).body
    assert.match(await scrape(), /nutshell_face_requests_total\{face="nut"\} 0\n/)
    totals.requests = 7
    totals.errors = 2
    const q1 = store.get('q1')
    q1?.attachController({
      setVariable: async () => 'SUCCESS',
      instantCommand: async () => {
        throw new Error('driver gone')
      },
    })
    assert.equal(await q1?.requestSet('ups.delay.shutdown', '30'), 'SUCCESS')
    assert.equal(await q1?.requestInstantCommand('beeper.off', undefined), 'ERR FAILED')
    const own = await scrape()
    assert.match(own, /nutshell_face_requests_total\{face="nut"\} 7\n/)
    assert.match(own, /nutshell_face_errors_total\{face="nut",kind="ERR"\} 2\n/)
    assert.match(
      own,
      /nutshell_command_results_total\{device="q1",kind="set",outcome="SUCCESS"\} 1\n/,
    )
    assert.match(
      own,
      /nutshell_command_results_total\{device="q1",kind="instcmd",outcome="ERR FAILED"\} 1\n/,
    )
    totals.requests = 9
    assert.match(await scrape(), /nutshell_face_requests_total\{face="nut"\} 9\n/)
    const check = promtool(own)
    assert.equal(check.code, 0, check.out)
  })

  it('serves both paths on its own listener', async () => {
    const handler = handlerFor(referenceStore())
    const listener = await startPrometheusListener({
      handler,
      host: '127.0.0.1',
      port: 0,
      log: silentLogger(),
    })
    after(() => listener.stop())
    const res = await fetch(`http://127.0.0.1:${listener.port}/ups_metrics?ups=q1`)
    assert.equal(res.status, 200)
    assert.match(await res.text(), /network_ups_tools_ups_load 23/)
    const post = await fetch(`http://127.0.0.1:${listener.port}/metrics`, { method: 'POST' })
    assert.equal(post.status, 405)
  })
})

describe('prometheus: value typing and float text', () => {
  it('types values as go.nut and nut_exporter do', () => {
    const onOff = nutExporterOptions().onOff
    assert.equal(sampleValue('230', onOff), 230)
    assert.equal(sampleValue('-5', onOff), -5)
    assert.equal(sampleValue('27.30', onOff), 27.3)
    assert.equal(sampleValue('1.2.3', onOff), undefined)
    assert.equal(sampleValue('enabled', onOff), 1)
    assert.equal(sampleValue('Disabled', onOff), 0)
    assert.equal(sampleValue('ON', onOff), 1)
    assert.equal(sampleValue('OL', onOff), undefined)
    fc.assert(fc.property(fc.string(), (s) => void sampleValue(s, onOff)))
  })

  it('writes floats as Go strconv %g -1 does', () => {
    const cases: Array<[number, string]> = [
      [85, '85'],
      [27.3, '27.3'],
      [3600, '3600'],
      [123456, '123456'],
      [1000000, '1e+06'],
      [1234567, '1.234567e+06'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [-2.5, '-2.5'],
      [0, '0'],
    ]
    for (const [n, text] of cases) assert.equal(formatGoFloat(n), text, String(n))
  })
})
