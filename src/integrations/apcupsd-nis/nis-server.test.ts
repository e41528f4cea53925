import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { apcupsdPrograms } from '../../../test/helpers/apcupsd.ts'
import { run } from '../../../test/helpers/processes.ts'
import { systemClock } from '../../core/clock.ts'
import { silentLogger } from '../../core/log.ts'
import { ManualClock } from '../../core/manual-clock.ts'
import { DeviceStore } from '../../devices/device-store.ts'
import { encodeNisMessage, NisReader } from '../../protocol/apcupsd-nis/framing.ts'
import { NisServer } from './nis-server.ts'

const values: Record<string, string> = {
  'ups.status': 'OL',
  'device.model': 'Smart-UPS 1500',
  'input.voltage': '230.4',
  'input.voltage.maximum': '232.1',
  'input.voltage.minimum': '228.0',
  'output.voltage': '230.0',
  'input.sensitivity': 'H',
  'input.transfer.low': '208',
  'input.transfer.high': '253',
  'ups.load': '23',
  'battery.charge': '100',
  'battery.runtime': '3600',
  'battery.voltage': '27.3',
  'battery.voltage.nominal': '24',
  'input.frequency': '50.0',
  'ups.temperature': '29.2',
  'ups.realpower.nominal': '980',
  'device.serial': 'AS1234567890',
  'ups.firmware': '601.3.I',
  'battery.date': '03/01/24',
}

/** Sends raw requests on one connection and collects each reply's messages. */
async function ask(port: number, requests: Uint8Array[]): Promise<string[][]> {
  const socket = connect(port, '127.0.0.1')
  const reader = new NisReader(4096)
  const replies: string[][] = []
  let current: string[] = []
  return new Promise((resolve, reject) => {
    socket.on('error', reject)
    socket.on('data', (chunk: Uint8Array) => {
      for (const item of reader.push(chunk)) {
        if (item.kind === 'message') current.push(new TextDecoder('latin1').decode(item.bytes))
        else if (item.kind === 'end') {
          replies.push(current)
          current = []
          if (replies.length === requests.length) {
            socket.end()
            resolve(replies)
          }
        }
      }
    })
    socket.on('close', () => resolve(replies))
    for (const request of requests) socket.write(request)
  })
}

describe('apcupsd NIS face: real apcaccess', () => {
  const store = new DeviceStore()
  const device = store.add('myups')
  let server: NisServer
  const apc = apcupsdPrograms()

  before(async () => {
    device.update(() => {
      for (const [k, v] of Object.entries(values)) device.setValue(k, v)
    })
    device.setCommState('ok')
    server = new NisServer({
      store,
      device: 'myups',
      host: '127.0.0.1',
      port: 0,
      clock: systemClock,
      log: silentLogger(),
      version: '0.1.0',
      thresholds: { chargePercent: 10, runtimeMinutes: 5 },
      limits: { maxConnectionsPerAddress: 4 },
    })
    await server.start()
  })
  after(() => server.stop())

  it('apcaccess prints every record field by field as nutshell formats it', async () => {
    const r = await run(apc.apcaccess, ['-h', `127.0.0.1:${server.port}`])
    assert.equal(r.code, 0, r.stderr)
    const printed = r.stdout.split('\n').filter(Boolean)
    const expected = (server.statusRecords() ?? []).map((l) => l.replace(/\n$/, ''))
    assert.deepEqual(
      printed.map((l) => l.slice(0, 9)),
      expected.map((l) => l.slice(0, 9)),
    )
    const byKey = new Map(printed.map((l) => [l.slice(0, 9).trim(), l.slice(11)]))
    const want: Record<string, string> = {
      UPSNAME: 'myups',
      MODEL: 'Smart-UPS 1500',
      STATUS: 'ONLINE ',
      LINEV: '230.4 Volts',
      LOADPCT: '23.0 Percent',
      BCHARGE: '100.0 Percent',
      TIMELEFT: '60.0 Minutes',
      MBATTCHG: '10 Percent',
      MINTIMEL: '5 Minutes',
      MAXTIME: '0 Seconds',
      MAXLINEV: '232.1 Volts',
      MINLINEV: '228.0 Volts',
      OUTPUTV: '230.0 Volts',
      SENSE: 'High',
      LOTRANS: '208.0 Volts',
      HITRANS: '253.0 Volts',
      ITEMP: '29.2 C',
      BATTV: '27.3 Volts',
      LINEFREQ: '50.0 Hz',
      LASTXFER: 'No transfers since turnon',
      NUMXFERS: '0',
      TONBATT: '0 Seconds',
      CUMONBATT: '0 Seconds',
      XOFFBATT: 'N/A',
      STATFLAG: '0x05000008',
      SERIALNO: 'AS1234567890',
      BATTDATE: '03/01/24',
      NOMBATTV: '24.0 Volts',
      NOMPOWER: '980 Watts',
      FIRMWARE: '601.3.I',
      CABLE: 'Ethernet Link',
      UPSMODE: 'Stand Alone',
    }
    for (const [key, value] of Object.entries(want)) assert.equal(byKey.get(key), value, key)
    assert.match(byKey.get('DATE') ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} {2}$/)
    assert.match(byKey.get('END APC') ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} {2}$/)
  })

  it('apcaccess -p KEY and -u', async () => {
    const port = `127.0.0.1:${server.port}`
    const p = await run(apc.apcaccess, ['-h', port, '-p', 'BCHARGE'])
    assert.deepEqual([p.code, p.stdout], [0, '100.0 Percent\n'])
    const u = await run(apc.apcaccess, ['-h', port, '-u', '-p', 'TIMELEFT'])
    assert.deepEqual([u.code, u.stdout], [0, '60.0\n'])
    const s = await run(apc.apcaccess, ['-h', port, '-p', 'STATUS'])
    assert.equal(s.stdout, 'ONLINE \n')
    const missing = await run(apc.apcaccess, ['-h', port, '-p', 'LOADAPNT'])
    assert.equal(missing.code, 2)
  })

  it('a power failure counts a transfer, and FSD shows as SHUTTING DOWN with bit 0x200', async () => {
    device.setValue('input.transfer.reason', 'input voltage out of range')
    device.setValue('ups.status', 'OB')
    const port = `127.0.0.1:${server.port}`
    const ob = await run(apc.apcaccess, ['-h', port])
    assert.match(ob.stdout, /\nSTATUS {3}: ONBATT \n/)
    assert.match(ob.stdout, /\nNUMXFERS : 1\n/)
    assert.match(ob.stdout, /\nXONBATT {2}: \d{4}-/)
    assert.match(ob.stdout, /\nLASTXFER : Low line voltage\n/)
    assert.match(ob.stdout, /\nSTATFLAG : 0x05060010\n/)
    device.setValue('ups.status', 'OL')
    const back = await run(apc.apcaccess, ['-h', port])
    assert.match(back.stdout, /\nXOFFBATT : \d{4}-/)
    device.latchFsd()
    const fsd = await run(apc.apcaccess, ['-h', port, '-p', 'STATFLAG'])
    assert.equal(fsd.stdout, '0x05000208\n')
  })

  it('answers events, bad commands and several requests on one connection', async () => {
    const replies = await ask(server.port, [
      encodeNisMessage('status'),
      encodeNisMessage('bogus'),
      encodeNisMessage('events'),
    ])
    assert.equal(replies.length, 3)
    assert.match(replies[0]?.[0] ?? '', /^APC {6}: 001,\d{3},\d{4}\n$/)
    assert.deepEqual(replies[1], ['Invalid command\n\0'])
    assert.ok((replies[2] ?? []).some((l) => /^\d{4}-.* {2}Power failure\.\n$/.test(l)))
  })

  it('closes a connection whose request is longer than the limit; others go on', async () => {
    const long = encodeNisMessage('x'.repeat(500))
    const replies = await ask(server.port, [long])
    assert.deepEqual(replies, [])
    const r = await run(apc.apcaccess, ['-h', `127.0.0.1:${server.port}`, '-p', 'UPSNAME'])
    assert.equal(r.stdout, 'myups\n')
  })
})

describe('apcupsd NIS face: limits', () => {
  it('closes idle connections and refuses more than the per-address limit', async () => {
    const store = new DeviceStore()
    store.add('ups').setCommState('ok')
    const clock = new ManualClock()
    const server = new NisServer({
      store,
      device: 'ups',
      host: '127.0.0.1',
      port: 0,
      clock,
      log: silentLogger(),
      version: 'test',
      limits: { maxConnectionsPerAddress: 2, idleTimeoutMs: 1000 },
    })
    await server.start()
    after(() => server.stop())
    const open = async () => {
      const socket = connect(server.port, '127.0.0.1')
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
      socket.on('error', () => {})
      await new Promise((resolve) => socket.once('connect', resolve))
      return { socket, closed }
    }
    const a = await open()
    const b = await open()
    const c = await open()
    await c.closed // the third from the same address
    assert.equal(a.socket.destroyed, false)
    clock.advance(1000)
    await Promise.all([a.closed, b.closed])
    const again = await ask(server.port, [encodeNisMessage('events')])
    assert.deepEqual(again, [['Not available\n\0']])
  })
})
