/**
 * Push, not poll. 1. A status change in the store to the MQTT message a real subscriber
 * (mosquitto_sub, through a real mosquitto) prints: p50/p99, beside a polling bridge's
 * interval (Home Assistant's NUT integration polls every 60 s: on average a change is
 * seen 30 s late, at worst 60 s). 2. Notification fan-out to 5 channels of which one
 * hangs: the four others' latency with and without the hanging one.
 *
 * Run: node --import tsx bench/mqtt.bench.ts      (about half a minute)
 */
import { spawn } from 'node:child_process'
import { setTimeout as delay } from 'node:timers/promises'
import { serviceChannels } from '../src/actions/channels/index.ts'
import { notifySchema } from '../src/config/schema/notify.ts'
import { systemClock } from '../src/core/clock.ts'
import { silentLogger } from '../src/core/log.ts'
import { DeviceStore } from '../src/devices/device-store.ts'
import { MqttBridge } from '../src/integrations/mqtt/bridge.ts'
import { startMosquitto } from '../test/helpers/mosquitto.ts'
import { waitFor } from '../test/helpers/wait.ts'
import { startWebhookReceiver } from '../test/helpers/webhook-receiver.ts'

const log = silentLogger()
const samples = 300

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return sorted[Math.max(0, index)] ?? Number.NaN
}
const fmt = (ms: number) => `${ms.toFixed(2)} ms`

// ---- 1. store change → MQTT subscriber ----------------------------------------------
const broker = await startMosquitto()
const store = new DeviceStore()
const device = store.add('ups')
device.setValue('ups.status', 'OL')
device.setValue('battery.charge', '100')
device.setCommState('ok')
const bridge = new MqttBridge({
  url: broker.url,
  prefix: 'nutshell',
  site: 'bench',
  keepaliveMs: 30_000,
  reconnectMinMs: 100,
  reconnectMaxMs: 1000,
  discovery: { enabled: true, prefix: 'homeassistant' },
  allow: [],
  stateQos: 1,
  store,
  clock: systemClock,
  log,
  version: 'bench',
})
bridge.start()
await waitFor(() => bridge.connected)
const sub = spawn(
  '/usr/bin/stdbuf',
  [
    '-oL',
    '/usr/bin/mosquitto_sub',
    '-h',
    '127.0.0.1',
    '-p',
    String(broker.port),
    '-q',
    '1',
    '-t',
    'nutshell/bench/ups/var/ups.status',
  ],
  { stdio: ['ignore', 'pipe', 'ignore'] },
)
let waiting: { value: string; resolve: () => void } | undefined
let buffer = ''
sub.stdout.setEncoding('utf8').on('data', (chunk: string) => {
  buffer += chunk
  for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
    const line = buffer.slice(0, nl)
    buffer = buffer.slice(nl + 1)
    if (waiting !== undefined && line === waiting.value) {
      const w = waiting
      waiting = undefined
      w.resolve()
    }
  }
})
await delay(500) // the retained OL arrives first
const latencies: number[] = []
for (let i = 0; i < samples; i++) {
  const value = i % 2 === 0 ? 'OB DISCHRG' : 'OL'
  const arrived = new Promise<void>((resolve) => {
    waiting = { value, resolve }
  })
  const start = performance.now()
  device.setValue('ups.status', value)
  await arrived
  latencies.push(performance.now() - start)
  await delay(5)
}
sub.kill()
await bridge.stop()
await broker.close()
const p50 = percentile(latencies, 50)
const p99 = percentile(latencies, 99)
console.log('store change → mosquitto_sub prints it (QoS 1, through mosquitto)')
console.log(
  `  samples ${samples}: p50 ${fmt(p50)}, p99 ${fmt(p99)}, max ${fmt(Math.max(...latencies))}`,
)
console.log(`  goal p99 < 20 ms: ${p99 < 20 ? 'met' : 'NOT met'}`)
console.log(
  '  a polling bridge at 60 s (Home Assistant NUT default): mean 30 000 ms, worst 60 000 ms',
)
console.log(`  ratio (poll mean / push p99): ${(30_000 / p99).toFixed(0)}x`)

// ---- 2. notification fan-out with one channel hanging --------------------------------
const receiver = await startWebhookReceiver({
  status: () => 200,
  reply: (p) => (p.startsWith('/slack') ? 'ok' : '{"ok":true}'),
})
const hanging = await startWebhookReceiver({ answer: false })
const rounds = 40
async function fanOut(withHanging: boolean): Promise<number[]> {
  const healthy = [
    { name: 'n', type: 'ntfy', url: receiver.url, topic: 'x' },
    { name: 'g', type: 'gotify', url: receiver.url, token: 't' },
    { name: 't', type: 'telegram', url: receiver.url, token: '1:A', chatId: 1 },
    { name: 's', type: 'slack', url: `${receiver.url}/slack` },
  ]
  const fifth = withHanging
    ? { name: 'dead', type: 'ntfy', url: hanging.url, topic: 'x', timeout: '10s', retries: 0 }
    : { name: 'd', type: 'discord', url: `${receiver.url}/discord` }
  const channels = serviceChannels(notifySchema.parse({ channels: [fifth, ...healthy] }), {
    clock: systemClock,
    log,
    resolvePath: (p) => p,
  })
  const out: number[] = []
  for (let i = 0; i < rounds; i++) {
    const before = receiver.received.length
    const want = before + (withHanging ? 4 : 5)
    const start = performance.now()
    for (const c of channels)
      void c.deliver({ type: 'ONBATT', ups: 'ups@localhost', text: `round ${i}` })
    await waitFor(() => receiver.received.length >= want, { intervalMs: 1 })
    out.push(performance.now() - start)
  }
  return out
}
const base = await fanOut(false)
const withDead = await fanOut(true)
await receiver.close()
await hanging.close()
console.log('\nnotification fan-out: time until the healthy channels have all delivered')
console.log(
  `  5 healthy channels:           p50 ${fmt(percentile(base, 50))}, p99 ${fmt(percentile(base, 99))}`,
)
console.log(
  `  4 healthy + 1 hanging (10 s): p50 ${fmt(percentile(withDead, 50))}, p99 ${fmt(percentile(withDead, 99))}`,
)
process.exit(0)
