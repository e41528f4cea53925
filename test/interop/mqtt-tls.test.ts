/**
 * The MQTT face over TLS with a login, against a real mosquitto listener that requires
 * both: the broker's certificate is verified through the configured CA, and a wrong
 * password never gets a connection.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { pino } from 'pino'
import { startMqttFace } from '../../src/broker/faces/mqtt.ts'
import { mqttSchema } from '../../src/config/schema/integrations-mqtt.ts'
import { systemClock } from '../../src/core/clock.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts'
import { run } from '../helpers/processes.ts'
import { makeTestCertificate } from '../helpers/tls-cert.ts'
import { waitFor } from '../helpers/wait.ts'

let dir: string
let broker: Mosquitto & { tlsPort?: number }
const logs: Array<Record<string, unknown>> = []
const log = pino(
  { level: 'debug' },
  { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) },
)

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-mqtt-tls-'))
  const cert = makeTestCertificate(dir)
  broker = await startMosquitto({
    tls: { certFile: cert.certFile, keyFile: cert.keyFile, user: 'nut', password: 'pw1' },
  })
})
after(async () => {
  await broker.close()
  await rm(dir, { recursive: true, force: true })
})

function face(password: string) {
  const store = new DeviceStore()
  const ups = store.add('ups')
  ups.setValue('battery.charge', '77')
  ups.setCommState('ok')
  const config = mqttSchema.parse({
    url: `mqtts://localhost:${broker.tlsPort}`,
    site: 'tls',
    username: 'nut',
    password,
    tls: { caFile: 'cert.pem' },
    reconnect: { min: '200ms', max: '1s' },
  })
  return startMqttFace({ config, configDir: dir, store, clock: systemClock, log })
}

describe('MQTT over TLS with a login', () => {
  it('connects, verifying the broker through the CA, and publishes', async () => {
    const f = face('pw1')
    try {
      await waitFor(() => f.bridge.connected, { what: 'TLS connection' })
      const r = await run('/usr/bin/mosquitto_sub', [
        '-h',
        'localhost',
        '-p',
        String(broker.tlsPort),
        '--cafile',
        join(dir, 'cert.pem'),
        '-u',
        'nut',
        '-P',
        'pw1',
        '-t',
        'nutshell/tls/ups/var/battery.charge',
        '-C',
        '1',
        '-W',
        '5',
      ])
      assert.equal(r.stdout, '77\n', r.stderr)
    } finally {
      await f.stop()
    }
  })

  it('a wrong password gets no connection, and says so in the log', async () => {
    const f = face('wrong')
    try {
      await waitFor(() => logs.some((l) => l['msg'] === 'MQTT error'), {
        what: 'the refusal logged',
      })
      assert.equal(f.bridge.connected, false)
      assert.equal(f.bridge.connectCount, 0)
    } finally {
      await f.stop()
    }
  })
})
