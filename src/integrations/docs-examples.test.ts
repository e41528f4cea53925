import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parseYamlConfig } from '../config/yaml-load.ts'
import { DeviceStore } from '../devices/device-store.ts'
import { createPrometheusHandler } from './prometheus/handler.ts'
import { nutExporterOptions } from './prometheus/nut-exporter.ts'
import { NutshellMetrics } from './prometheus/nutshell-metrics.ts'

const docs = (path: string) => fileURLToPath(new URL(`../../docs/${path}`, import.meta.url))

function yamlBlocks(markdown: string): Array<{ line: number; text: string }> {
  const blocks: Array<{ line: number; text: string }> = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```yaml') continue
    let end = i + 1
    while (end < lines.length && !(lines[end] as string).startsWith('```')) end++
    blocks.push({ line: i + 2, text: `${lines.slice(i + 1, end).join('\n')}\n` })
    i = end
  }
  return blocks
}

/** Every metric name nutshell serves for a device with the usual variables. */
async function servedNames(): Promise<Set<string>> {
  const store = new DeviceStore()
  const device = store.add('rack')
  device.update(() => {
    for (const [k, v] of Object.entries({
      'ups.status': 'OL',
      'battery.charge': '100',
      'battery.runtime': '3600',
      'battery.voltage': '27.3',
      'input.voltage': '230',
      'output.voltage': '230',
      'ups.load': '20',
      'device.model': 'X',
    }))
      device.setValue(k, v)
  })
  device.setCommState('ok')
  const metrics = new NutshellMetrics({ store, version: 'test' })
  after(() => metrics.stop())
  const handler = createPrometheusHandler({
    store,
    describe: () => undefined,
    exporter: nutExporterOptions(),
    metrics,
  })
  const text = [
    (await handler({ path: '/ups_metrics', query: {} })).body,
    (await handler({ path: '/metrics', query: {} })).body,
  ].join('')
  return new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1] as string))
}

describe('docs/integrations.md, the dashboard and the alert rules', () => {
  const blocks = yamlBlocks(readFileSync(docs('integrations.md'), 'utf8'))

  it('has the examples', () => assert.ok(blocks.length >= 5))

  for (const block of blocks) {
    it(`loads the YAML example at line ${block.line}`, () => {
      const r = parseYamlConfig(block.text, `integrations.md:${block.line}`, {})
      assert.deepEqual(r.diagnostics, [])
      assert.ok(r.ok)
      if (block.text.includes('integrations:')) assert.ok(r.value.integrations !== undefined)
    })
  }

  it('alerts.yml passes promtool check rules (Debian package prometheus)', () => {
    const r = spawnSync('promtool', ['check', 'rules', docs('prometheus/alerts.yml')], {
      encoding: 'utf8',
    })
    assert.equal(r.error, undefined, 'promtool is missing: apt-get install prometheus')
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`)
    assert.match(r.stdout, /SUCCESS: \d+ rules found/)
  })

  it('the dashboard and the alerts query only metrics nutshell serves', async () => {
    const served = await servedNames()
    const dashboard = JSON.parse(readFileSync(docs('grafana/nutshell.json'), 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>
    }
    const exprs = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      readFileSync(docs('prometheus/alerts.yml'), 'utf8'),
    ].join('\n')
    const used = new Set(
      [...exprs.matchAll(/(?<![$\w])(?:network_ups_tools|nutshell)_[a-z_]+\b/g)].map((m) => m[0]),
    )
    assert.ok(used.size >= 8)
    for (const name of used) assert.ok(served.has(name), `${name} is not served`)
  })
})
