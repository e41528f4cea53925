/**
 * The broker wires integrations from the YAML file: `integrations.mqtt` publishes a
 * dummy device to a real mosquitto, and a rule's `notify` reaches a notify channel whose
 * events take RULE; stopping the broker says offline on the bridge's status topic.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type Broker, startBroker } from '../../src/broker/broker.ts'
import { loadYamlConfig } from '../../src/config/yaml-load.ts'
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts'
import { freePort } from '../helpers/ports.ts'
import { waitFor } from '../helpers/wait.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

let dir: string
let mqtt: Mosquitto
let receiver: WebhookReceiver
let broker: Broker

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-integrations-'))
  mqtt = await startMosquitto()
  receiver = await startWebhookReceiver({ status: () => 200, reply: () => '{}' })
  await writeFile(join(dir, 'ups.dev'), 'ups.status: OL\nbattery.charge: 100\n')
  await writeFile(
    join(dir, 'power.rules'),
    'when ups.status has OB {\n  notify "{ups} on battery"\n}\n',
  )
  const port = await freePort()
  await writeFile(
    join(dir, 'nutshell.yaml'),
    `server: {listen: ["127.0.0.1:${port}"]}
devices:
  - {name: ups1, driver: dummy-ups, port: ups.dev}
rules: {files: [power.rules]}
integrations:
  mqtt: {url: "${mqtt.url}", site: lab, reconnect: {min: 100ms, max: 1s}}
notify:
  channels:
    - {name: ops, type: gotify, url: "${receiver.url}", token: t, events: [RULE]}
`,
  )
  const loaded = await loadYamlConfig(join(dir, 'nutshell.yaml'))
  assert.ok(loaded.ok, JSON.stringify(loaded.diagnostics))
  broker = await startBroker(loaded.value)
})

after(async () => {
  await broker.stop()
  await mqtt.close()
  await receiver.close()
  await rm(dir, { recursive: true, force: true })
})

describe('integrations in the broker', () => {
  it('publishes the device on the site topic and a rule notify through a channel', async () => {
    const state = await waitFor(async () => {
      const [m] = await mqtt.sub('nutshell/lab/ups1/state', {
        count: 1,
        seconds: 1,
        retainedOnly: true,
      })
      return m?.[1]
    })
    assert.equal(JSON.parse(state)['battery.charge'], 100)
    broker.store.get('ups1')?.setValue('ups.status', 'OB')
    await waitFor(() => receiver.received.length === 1, { what: 'the rule notify' })
    assert.equal(receiver.received[0]?.body?.['message'], 'ups1 on battery')
    const [status] = await mqtt.sub('nutshell/lab/ups1/var/ups.status', { count: 1, seconds: 1 })
    assert.equal(status?.[1], 'OB')
  })

  it('says offline on the bridge status when it stops', async () => {
    await broker.stop()
    const [status] = await mqtt.sub('nutshell/lab/status', { count: 1, seconds: 1 })
    assert.equal(status?.[1], 'offline')
  })
})
