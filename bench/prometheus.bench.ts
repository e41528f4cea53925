/**
 * Prometheus scrape cost with 50 devices (issue 12; goal: a scrape under 5 ms), and the
 * memory one scrape allocates. Measured on the handler the web face and the standalone
 * listener call (no HTTP in the figure: node:http adds the same for any handler):
 *
 * - `/metrics`: nutshell's own metrics (device link states of all 50 devices, faces,
 *   monitor) and the process metrics;
 * - `/ups_metrics?ups=NAME`: nut_exporter's exposition of one UPS (40 variables); and all
 *   50 of them one after another, as a Prometheus with one job per UPS scrapes them.
 *
 * Allocation: the bench re-runs itself with a young generation large enough that no
 * garbage collection happens during the measured scrapes (checked with v8.GCProfiler), so
 * the growth of the heap is what the scrapes allocated.
 *
 * There is no nut_exporter in Debian to run beside it; its figure would include a NUT
 * round trip per variable (GET DESC and GET TYPE each), which nutshell does not need.
 *
 * Run: node --import tsx bench/prometheus.bench.ts [scrapes]   (default 2000)
 */
import { spawnSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { GCProfiler } from 'node:v8'
import { silentLogger } from '../src/core/log.ts'
import { DeviceStore } from '../src/devices/device-store.ts'
import { createPrometheusHandler } from '../src/integrations/prometheus/handler.ts'
import { startPrometheusListener } from '../src/integrations/prometheus/listener.ts'
import { nutExporterOptions } from '../src/integrations/prometheus/nut-exporter.ts'
import { NutshellMetrics } from '../src/integrations/prometheus/nutshell-metrics.ts'
import { defaultCmdvartabPath, loadDescriptions } from '../src/server/descriptions.ts'

const devices = 50
const scrapes = Number(process.argv[2] ?? 2000)
const allocationMode = process.argv.includes('--allocation')

/** A usbhid-ups-like set of 40 variables. */
function fill(store: DeviceStore, index: number): void {
  const device = store.add(`ups${index}`)
  const values: Record<string, string> = {
    'battery.charge': '100',
    'battery.charge.low': '10',
    'battery.charge.warning': '50',
    'battery.runtime': '2400',
    'battery.runtime.low': '120',
    'battery.type': 'PbAc',
    'battery.voltage': '27.3',
    'battery.voltage.nominal': '24.0',
    'device.mfr': 'APC',
    'device.model': 'Smart-UPS 1500',
    'device.serial': `AS${index}`,
    'device.type': 'ups',
    'driver.name': 'usbhid-ups',
    'driver.parameter.pollfreq': '30',
    'driver.parameter.pollinterval': '2',
    'driver.parameter.port': 'auto',
    'driver.version': '2.8.0',
    'input.frequency': '50.0',
    'input.sensitivity': 'medium',
    'input.transfer.high': '253',
    'input.transfer.low': '208',
    'input.voltage': '230.4',
    'input.voltage.nominal': '230',
    'output.current': '1.20',
    'output.frequency': '50.0',
    'output.voltage': '230.4',
    'output.voltage.nominal': '230',
    'ups.beeper.status': 'enabled',
    'ups.delay.shutdown': '20',
    'ups.delay.start': '30',
    'ups.firmware': 'UPS 09.3 / ID=18',
    'ups.load': String(10 + index),
    'ups.mfr': 'APC',
    'ups.model': 'Smart-UPS 1500',
    'ups.power.nominal': '1500',
    'ups.realpower': '300',
    'ups.realpower.nominal': '980',
    'ups.status': 'OL CHRG',
    'ups.temperature': '29.2',
    'ups.test.result': 'No test initiated',
  }
  device.update(() => {
    for (const [k, v] of Object.entries(values)) device.setValue(k, v)
  })
  device.setCommState('ok')
}

const store = new DeviceStore()
for (let i = 0; i < devices; i++) fill(store, i)
const metrics = new NutshellMetrics({ store, version: 'bench' })
metrics.connectionSource('nut', () => 12)
const descriptions = loadDescriptions(defaultCmdvartabPath, silentLogger())
const handler = createPrometheusHandler({
  store,
  describe: (name) => descriptions.variable(name),
  exporter: nutExporterOptions(),
  metrics,
})

const cases: Array<{ name: string; scrape: () => Promise<unknown> }> = [
  { name: '/metrics (50 devices)', scrape: () => handler({ path: '/metrics', query: {} }) },
  {
    name: '/ups_metrics?ups=ups7 (one UPS)',
    scrape: () => handler({ path: '/ups_metrics', query: { ups: 'ups7' } }),
  },
  {
    name: '/ups_metrics, all 50 UPSes',
    scrape: async () => {
      for (let i = 0; i < devices; i++)
        await handler({ path: '/ups_metrics', query: { ups: `ups${i}` } })
    },
  },
]

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number
}

async function timing(): Promise<void> {
  console.log(
    `load average ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')} (wall p99 on a busy machine measures the run queue; CPU per scrape does not)`,
  )
  const body = (await handler({ path: '/metrics', query: {} })).body
  const one = (await handler({ path: '/ups_metrics', query: { ups: 'ups7' } })).body
  console.log(
    `exposition sizes: /metrics ${body.length} bytes, /ups_metrics ${one.length} bytes (one UPS)`,
  )
  for (const c of cases) {
    const rounds = c.name.includes('all 50') ? Math.max(20, scrapes / 50) : scrapes
    for (let i = 0; i < Math.min(200, rounds); i++) await c.scrape() // warm-up
    const times: number[] = []
    const cpu = process.cpuUsage()
    for (let i = 0; i < rounds; i++) {
      const start = performance.now()
      await c.scrape()
      times.push(performance.now() - start)
    }
    const used = process.cpuUsage(cpu)
    const cpuMs = (used.user + used.system) / 1000 / rounds
    times.sort((a, b) => a - b)
    const p50 = percentile(times, 0.5)
    const p90 = percentile(times, 0.9)
    const p99 = percentile(times, 0.99)
    const goal = c.name.includes('all 50')
      ? ''
      : `  goal < 5 ms (p50): ${p50 < 5 ? 'met' : 'NOT MET'}`
    console.log(
      `${c.name.padEnd(34)} p50 ${p50.toFixed(3)}  p90 ${p90.toFixed(3)}  p99 ${p99.toFixed(3)} ms wall, ${cpuMs.toFixed(3)} ms CPU each (${rounds} scrapes)${goal}`,
    )
  }
  await changeToScrape()
}

/**
 * A status change → the changed value on the next scrape: values are read from the store
 * at scrape time (no cache, no poll), so this is the latency of one scrape of one UPS,
 * here over HTTP on loopback (the standalone listener; the web face mounts the same
 * handler). Each round changes ups.load and ups.status, then scrapes until both show.
 */
async function changeToScrape(): Promise<void> {
  const listener = await startPrometheusListener({
    handler,
    host: '127.0.0.1',
    port: 0,
    log: silentLogger(),
  })
  const url = `http://127.0.0.1:${listener.port}/ups_metrics?ups=ups7`
  const device = store.get('ups7')
  const rounds = Math.max(100, Math.min(1000, scrapes / 2))
  const times: number[] = []
  let extraScrapes = 0
  for (let i = 0; i < rounds + 50; i++) {
    const load = String(100 + (i % 50))
    const onBattery = i % 2 === 0
    const start = performance.now()
    device?.update(() => {
      device.setValue('ups.load', load)
      device.setValue('ups.status', onBattery ? 'OB DISCHRG' : 'OL CHRG')
    })
    for (let tries = 0; ; tries++) {
      const body = await (await fetch(url)).text()
      if (
        body.includes(`network_ups_tools_ups_load ${load}\n`) &&
        body.includes(`network_ups_tools_ups_status{flag="OB"} ${onBattery ? 1 : 0}\n`)
      ) {
        if (i >= 50) {
          times.push(performance.now() - start)
          extraScrapes += tries
        }
        break
      }
    }
  }
  await listener.stop()
  times.sort((a, b) => a - b)
  console.log(
    `status change → value on the next scrape (HTTP, loopback): p50 ${percentile(times, 0.5).toFixed(3)}  p99 ${percentile(times, 0.99).toFixed(3)} ms over ${rounds} changes; scrapes that missed the change: ${extraScrapes} (values are read at scrape time)`,
  )
}

async function allocation(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc
  for (const c of cases) {
    for (let i = 0; i < 100; i++) await c.scrape()
    const rounds = c.name.includes('all 50') ? 20 : 200
    gc?.()
    const profiler = new GCProfiler()
    profiler.start()
    const before = process.memoryUsage().heapUsed
    for (let i = 0; i < rounds; i++) await c.scrape()
    const grown = process.memoryUsage().heapUsed - before
    const collections = profiler.stop().statistics.length
    const per = grown / rounds / 1024
    console.log(
      `${c.name.padEnd(34)} ~${per.toFixed(1)} KiB allocated per scrape${collections === 0 ? '' : ` (${collections} GCs ran: a lower bound)`}`,
    )
  }
}

if (allocationMode) {
  await allocation()
} else {
  await timing()
  const child = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--min-semi-space-size=256',
      '--max-semi-space-size=256',
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      String(scrapes),
      '--allocation',
    ],
    { encoding: 'utf8' },
  )
  process.stdout.write(child.stdout)
  if (child.status !== 0) process.stderr.write(child.stderr)
}
metrics.stop()
