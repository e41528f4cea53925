/**
 * The MQTT face against a real mosquitto, checked with mosquitto_sub / mosquitto_pub:
 * retained state, Home Assistant discovery (validated against HA's documented schema),
 * commands reaching the driver with their result, the allow-list, and a broker restart.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { pino } from 'pino'
import { systemClock } from '../../src/core/clock.ts'
import type { CommandOutcome } from '../../src/devices/command-result.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { DummyDriver } from '../../src/drivers/dummy/dummy-driver.ts'
import { MqttBridge } from '../../src/integrations/mqtt/bridge.ts'
import { discoveryProblems } from '../helpers/ha-discovery-schema.ts'
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts'
import { waitFor } from '../helpers/wait.ts'

let broker: Mosquitto
let dir: string
let bridge: MqttBridge
let driver: DummyDriver
const store = new DeviceStore()
const logs: Array<Record<string, unknown>> = []
const log = pino(
  { level: 'debug' },
  { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) },
)

/** A PDU whose driver switches its outlets and takes settings (what a real PDU driver does). */
function addPdu(): void {
  const pdu = store.add('pdu1')
  pdu.update(() => {
    pdu.setValue('device.mfr', 'Acme')
    pdu.setValue('device.model', 'PDU-8')
    pdu.setValue('ups.status', 'OL')
    pdu.setValue('outlet.1.status', 'on')
    pdu.setValue('outlet.1.desc', 'Router')
    pdu.setValue('input.sensitivity', 'medium')
    pdu.setFlags('input.sensitivity', { writable: true, kind: 'string' })
    pdu.setMaxLength('input.sensitivity', 10)
    for (const e of ['low', 'medium', 'high']) pdu.addEnum('input.sensitivity', e)
    pdu.setValue('ups.delay.shutdown', '20')
    pdu.setFlags('ups.delay.shutdown', { writable: true, kind: 'number' })
    pdu.addRange('ups.delay.shutdown', 0, 600)
    for (const c of ['outlet.1.load.on', 'outlet.1.load.off', 'beeper.enable']) pdu.addCommand(c)
  })
  pdu.setCommState('ok')
  pdu.attachController({
    setVariable: async (name, value): Promise<CommandOutcome> => {
      pdu.setValue(name, value)
      return 'SUCCESS'
    },
    instantCommand: async (name): Promise<CommandOutcome> => {
      const m = /^outlet\.(\d+)\.load\.(on|off)$/.exec(name)
      if (m === null) return 'ERR UNKNOWN'
      pdu.setValue(`outlet.${m[1]}.status`, m[2] as string)
      return 'SUCCESS'
    },
  })
}

before(async () => {
  broker = await startMosquitto()
  dir = await mkdtemp(join(tmpdir(), 'ns-mqtt-'))
  await writeFile(
    join(dir, 'rack1.dev'),
    'device.mfr: APC\ndevice.model: "Smart-UPS 1500"\nups.status: OL\nbattery.charge: 85\n' +
      'battery.charge.low: 20\ninput.voltage: 230.0\nups.load: 31\nbattery.runtime: 1800\n',
  )
  const device = store.add('rack1')
  driver = new DummyDriver(
    { name: 'rack1', driver: 'dummy-ups', port: 'rack1.dev', options: {}, flags: [] },
    device,
    { clock: systemClock, log, configDir: dir, statePath: dir },
  )
  await driver.start()
  addPdu()
  bridge = new MqttBridge({
    url: broker.url,
    prefix: 'nutshell',
    site: 'local',
    keepaliveMs: 30_000,
    reconnectMinMs: 100,
    reconnectMaxMs: 1000,
    discovery: { enabled: true, prefix: 'homeassistant' },
    allow: ['battery.charge.low', 'rack1/load.*', 'pdu1/outlet.*', 'pdu1/input.sensitivity'],
    stateQos: 1,
    store,
    clock: systemClock,
    log,
    version: '0.1.0',
  })
  bridge.start()
  await waitFor(() => bridge.connected, { what: 'bridge connected' })
})

after(async () => {
  await bridge.stop()
  await driver.stop()
  await broker.close()
  await rm(dir, { recursive: true, force: true })
})

async function retained(topic: string): Promise<string | undefined> {
  const messages = await broker.sub(topic, { count: 1, seconds: 2, retainedOnly: true })
  return messages[0]?.[1]
}

async function resultOf(device: string, topic: string, payload: string) {
  const collect = await broker.listen(`nutshell/local/${device}/result`)
  await broker.pub(topic, payload)
  const [message] = await collect()
  assert.ok(message !== undefined, 'no result message')
  return JSON.parse(message[1]) as Record<string, unknown>
}

describe('MQTT face against mosquitto', () => {
  it('publishes retained availability, JSON state and one topic per variable', async () => {
    await waitFor(async () => (await retained('nutshell/local/rack1/state')) !== undefined)
    assert.equal(await retained('nutshell/local/status'), 'online')
    assert.equal(await retained('nutshell/local/rack1/availability'), 'online')
    const state = JSON.parse((await retained('nutshell/local/rack1/state')) ?? '{}')
    assert.equal(state['battery.charge'], 85)
    assert.equal(state['ups.status'], 'OL')
    assert.equal(state['device.model'], 'Smart-UPS 1500')
    assert.equal(await retained('nutshell/local/rack1/var/input.voltage'), '230.0')
  })

  it('publishes Home Assistant discovery that follows its documented schema', async () => {
    const configs = await broker.sub('homeassistant/#', { seconds: 2, retainedOnly: true })
    const byTopic = new Map(configs.map(([t, p]) => [t, JSON.parse(p) as Record<string, unknown>]))
    for (const [topic, payload] of byTopic)
      assert.deepEqual(discoveryProblems(topic, payload), [], topic)
    const charge = byTopic.get('homeassistant/sensor/nutshell_local_rack1_battery_charge/config')
    assert.ok(charge)
    assert.equal(charge['device_class'], 'battery')
    assert.equal(charge['unit_of_measurement'], '%')
    assert.equal(charge['state_class'], 'measurement')
    assert.equal(charge['state_topic'], 'nutshell/local/rack1/state')
    assert.equal(charge['value_template'], "{{ value_json['battery.charge'] }}")
    assert.deepEqual(charge['device'], {
      identifiers: ['nutshell_local_rack1'],
      name: 'rack1',
      manufacturer: 'APC',
      model: 'Smart-UPS 1500',
    })
    const components = [...byTopic.keys()].map((t) => t.split('/').slice(1, 3).join(' ')).sort()
    for (const wanted of [
      'binary_sensor nutshell_local_rack1_on_battery',
      'binary_sensor nutshell_local_rack1_low_battery',
      'sensor nutshell_local_rack1_input_voltage',
      'sensor nutshell_local_rack1_battery_runtime',
      'switch nutshell_local_pdu1_outlet_1',
      'button nutshell_local_pdu1_cmd_beeper_enable',
      'select nutshell_local_pdu1_set_input_sensitivity',
      'number nutshell_local_pdu1_set_ups_delay_shutdown',
    ])
      assert.ok(components.includes(wanted), `${wanted} missing from ${components.join(', ')}`)
    // Outlet commands are the switch, not buttons.
    assert.ok(!components.some((c) => c.includes('cmd_outlet')))
    const outlet = byTopic.get('homeassistant/switch/nutshell_local_pdu1_outlet_1/config')
    assert.equal(outlet?.['name'], 'Router')
    assert.equal(outlet?.['command_topic'], 'nutshell/local/pdu1/outlet/1/set')
    const number = byTopic.get(
      'homeassistant/number/nutshell_local_pdu1_set_ups_delay_shutdown/config',
    )
    assert.equal(number?.['min'], 0)
    assert.equal(number?.['max'], 600)
  })

  it('a SET published by mosquitto_pub reaches the dummy driver and its result comes back', async () => {
    const result = await resultOf('rack1', 'nutshell/local/rack1/set/battery.charge.low', '30')
    assert.equal(result['outcome'], 'SUCCESS')
    assert.equal(result['request'], 'set')
    assert.equal(result['name'], 'battery.charge.low')
    assert.equal(store.get('rack1')?.getValue('battery.charge.low'), '30')
    await waitFor(
      async () => (await retained('nutshell/local/rack1/var/battery.charge.low')) === '30',
    )
    const state = JSON.parse((await retained('nutshell/local/rack1/state')) ?? '{}')
    assert.equal(state['battery.charge.low'], 30)
  })

  it('an instant command reaches the driver: dummy-ups answers every command unknown', async () => {
    store.get('rack1')?.addCommand('load.off')
    const result = await resultOf('rack1', 'nutshell/local/rack1/cmd/load.off', 'PRESS')
    assert.equal(result['outcome'], 'ERR UNKNOWN')
  })

  it('switches a PDU outlet and validates SETs as upsd does', async () => {
    const off = await resultOf('pdu1', 'nutshell/local/pdu1/outlet/1/set', 'OFF')
    assert.deepEqual([off['name'], off['outcome']], ['outlet.1.load.off', 'SUCCESS'])
    assert.equal(store.get('pdu1')?.getValue('outlet.1.status'), 'off')
    const wrong = await resultOf('pdu1', 'nutshell/local/pdu1/set/input.sensitivity', 'extreme')
    assert.equal(wrong['outcome'], 'ERR INVALID-VALUE')
    const right = await resultOf('pdu1', 'nutshell/local/pdu1/set/input.sensitivity', 'high')
    assert.equal(right['outcome'], 'SUCCESS')
  })

  it('refuses and logs a command not on the allow-list', async () => {
    const result = await resultOf('pdu1', 'nutshell/local/pdu1/cmd/beeper.enable', 'PRESS')
    assert.equal(result['outcome'], 'ERR ACCESS-DENIED')
    const denied = await resultOf('pdu1', 'nutshell/local/pdu1/set/ups.delay.shutdown', '5')
    assert.equal(denied['outcome'], 'ERR ACCESS-DENIED')
    assert.equal(store.get('pdu1')?.getValue('ups.delay.shutdown'), '20')
    const line = logs.find((l) => String(l['msg']).startsWith('MQTT command refused'))
    assert.equal(line?.['name'], 'beeper.enable')
    assert.equal(line?.['level'], 40)
  })

  it('reconnects after a broker restart and publishes everything again', async () => {
    const connects = bridge.connectCount
    await broker.stop()
    store.get('rack1')?.setValue('battery.charge', '50')
    await broker.start()
    await waitFor(() => bridge.connectCount > connects, { what: 'reconnect' })
    // The broker kept nothing (no persistence): what is there was published again.
    await waitFor(async () => (await retained('nutshell/local/rack1/state')) !== undefined)
    const state = JSON.parse((await retained('nutshell/local/rack1/state')) ?? '{}')
    assert.equal(state['battery.charge'], 50)
    assert.equal(await retained('nutshell/local/status'), 'online')
    const configs = await broker.sub('homeassistant/#', { seconds: 2, retainedOnly: true })
    assert.ok(configs.length >= 10, `only ${configs.length} discovery configs`)
  })

  it('a removed command retracts its entity with an empty retained config', async () => {
    store.get('pdu1')?.deleteCommand('beeper.enable')
    await waitFor(
      async () =>
        (await retained('homeassistant/button/nutshell_local_pdu1_cmd_beeper_enable/config')) ===
        undefined,
      { what: 'button config removed' },
    )
  })
})
