import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ManualClock } from '../../core/manual-clock.ts'
import { DeviceEngine, type DevicePlug } from './device-engine.ts'
import { fakeDevice, programFrom, settle, silentLog } from './test-support.ts'
import { ToyPdu, toySpec } from './toy-pdu.ts'

const plugs: DevicePlug[] = ['1', '2', '3'].map((p) => ({ plug: p, node: `n${p}` }))

function toyEngine(
  pdu = new ToyPdu(),
  options: Parameters<typeof fakeDevice>[1] = {},
  extra: { plugs?: DevicePlug[]; maxBuffer?: number } = {},
) {
  const clock = new ManualClock()
  const device = fakeDevice(pdu.answer, options)
  const engine = new DeviceEngine({
    name: 'toy0',
    program: programFrom(toySpec, 'toy'),
    plugs: extra.plugs ?? plugs,
    open: device.open,
    clock,
    log: silentLog,
    ...(extra.maxBuffer === undefined ? {} : { maxBuffer: extra.maxBuffer }),
  })
  engine.start()
  return { clock, device, engine, pdu }
}

describe('script engine', () => {
  it('logs in on connect, then reads every plug with status_all', async () => {
    const { engine, device, pdu } = toyEngine()
    pdu.on.set('2', true)
    const outcome = await engine.request('status', ['1', '2', '3'])
    assert.equal(outcome.ok, true)
    assert.deepEqual(
      [...outcome.plugs].map(([p, o]) => [p, o.state]),
      [
        ['1', 'off'],
        ['2', 'on'],
        ['3', 'off'],
      ],
    )
    assert.deepEqual(device.written, ['login\r\n', 'stat\r\n'])
    assert.equal(engine.status.state, 'ready')
  })

  it('keeps only the targeted plugs of a status_all run', async () => {
    const { engine } = toyEngine()
    // No singlet status: a query of one plug runs status_all, keeping plug 3 only.
    const outcome = await engine.request('status', ['3'])
    assert.deepEqual([...outcome.plugs.keys()], ['3'])
  })

  it('switches one plug with the singlet, several with _ranged, all with _all', async () => {
    const { engine, device, pdu } = toyEngine()
    assert.equal((await engine.request('on', ['2'])).ok, true)
    assert.equal(pdu.on.get('2'), true)
    await engine.request('on', ['1', '2', '3'])
    await engine.request('off', ['1', '3'])
    assert.deepEqual(device.written.slice(1), ['on 2\r\n', 'on *\r\n', 'off [1,3]\r\n'])
    assert.deepEqual([...pdu.on.values()], [false, true, false])
  })

  it('runs singlets one after another when no _ranged script exists', async () => {
    const { engine, device } = toyEngine()
    await engine.request('on', ['1', '3'])
    assert.deepEqual(device.written.slice(1), ['on 1\r\n', 'on 3\r\n'])
  })

  it('waits out a delay on the injected clock', async () => {
    const { engine, device, clock, pdu } = toyEngine()
    pdu.on.set('1', true)
    const done = engine.request('cycle', ['1'])
    await settle()
    assert.deepEqual(device.written.slice(1), ['off 1\r\n'])
    assert.equal(pdu.on.get('1'), false)
    clock.advance(1999)
    await settle()
    assert.equal(device.written.length, 2)
    clock.advance(1)
    assert.equal((await done).ok, true)
    assert.deepEqual(device.written.slice(1), ['off 1\r\n', 'on 1\r\n'])
    assert.equal(pdu.on.get('1'), true)
  })

  it('captures raw values (temperature) without interpretations as unknown', async () => {
    const { engine } = toyEngine()
    const outcome = await engine.request('status_temp', ['1', '2'])
    assert.deepEqual(
      [...outcome.plugs].map(([p, o]) => [p, o.value, o.state]),
      [
        ['1', '21', 'unknown'],
        ['2', '22', 'unknown'],
      ],
    )
  })

  it('fails the whole queue on a timeout, tears the link down and logs in again', async () => {
    const { engine, device, clock, pdu } = toyEngine()
    await engine.request('status', ['1'])
    pdu.silentOn.add('on 1')
    const first = engine.request('on', ['1'])
    const second = engine.request('off', ['2'])
    await settle()
    clock.advance(5000)
    const [a, b] = await Promise.all([first, second])
    assert.deepEqual(a.errors, ['toy0: action timed out waiting for expected response'])
    assert.deepEqual(b.errors, ['toy0: action aborted due to previous action timeout'])
    assert.equal(a.plugs.get('1')?.ok, false)
    assert.equal(engine.status.state, 'disconnected')
    assert.match(engine.status.reason ?? '', /timed out.*the device sent nothing/)
    clock.advance(1000)
    await settle()
    assert.equal(device.opens, 2)
    assert.equal(engine.status.state, 'ready')
    pdu.silentOn.clear()
    assert.equal((await engine.request('on', ['1'])).ok, true)
    assert.equal(device.written.filter((w) => w === 'login\r\n').length, 2)
  })

  it('lets input left over from an earlier action satisfy a later expect', async () => {
    const { engine, device } = toyEngine()
    await engine.request('status', ['1'])
    device.push('pdu> ')
    // The device is silent now, but the prompt already waits in the buffer.
    const outcome = await engine.request('on', ['3'])
    assert.equal(outcome.ok, true)
  })

  it('matches leftmost-longest (POSIX), not leftmost-first, and turns NUL into 0xFF', async () => {
    const mini = `specification "mini" {
	timeout 5
	plug name { "1" }
	script login {
		send "hi\\n"
		expect "hello\\n"
	}
	script status {
		send "s\\n"
		expect "(on|onward)"
		setplugstate $1 on="ward" off="^on"
	}
	script status_temp {
		send "t\\n"
		expect "t=(..)\\n"
		setplugstate $1
	}
}`
    const answers: Record<string, string> = { hi: 'hello\n', s: 'onward\n', t: 't=\0x\n' }
    const clock = new ManualClock()
    const device = fakeDevice((line) => answers[line])
    const engine = new DeviceEngine({
      name: 'mini0',
      program: programFrom(mini, 'mini'),
      plugs: [{ plug: '1', node: 'a' }],
      open: device.open,
      clock,
      log: silentLog,
    })
    engine.start()
    // JavaScript's /(on|onward)/ would capture "on"; POSIX takes the longest, "onward".
    assert.equal((await engine.request('status', ['1'])).plugs.get('1')?.state, 'on')
    assert.equal((await engine.request('status_temp', ['1'])).plugs.get('1')?.value, '\xffx')
    engine.stop()
  })

  it('says "login timeout" when login gets garbage, shows it, and backs off 1 then 2 s', async () => {
    const clock = new ManualClock()
    const device = fakeDevice((line) => (line === 'login' ? 'garbage\r\n' : undefined))
    const engine = new DeviceEngine({
      name: 'toy0',
      program: programFrom(toySpec, 'toy'),
      plugs,
      open: device.open,
      clock,
      log: silentLog,
    })
    engine.start()
    await settle()
    const pending = engine.request('status', ['1'])
    await settle()
    clock.advance(5000)
    assert.deepEqual((await pending).errors, ['toy0: login timeout'])
    assert.equal(engine.status.state, 'disconnected')
    assert.match(engine.status.reason ?? '', /login timeout; unmatched input "garbage\\r\\n"/)
    clock.advance(1000)
    await settle()
    assert.equal(device.opens, 2)
    clock.advance(5000)
    await settle()
    clock.advance(1999)
    await settle()
    assert.equal(device.opens, 2)
    clock.advance(1)
    await settle()
    assert.equal(device.opens, 3)
    engine.stop()
  })

  it('reports connect timeout when the link never comes up, then retries with back-off', async () => {
    const { engine, device, clock } = toyEngine(new ToyPdu(), { neverOpen: true })
    await settle()
    const pending = engine.request('status', ['1'])
    await settle()
    clock.advance(5000)
    const outcome = await pending
    assert.deepEqual(outcome.errors, ['toy0: connect timeout'])
    assert.equal(device.opens, 1)
    clock.advance(1000)
    await settle()
    assert.equal(device.opens, 2)
    clock.advance(5000)
    await settle()
    clock.advance(2000)
    await settle()
    assert.equal(device.opens, 3)
    engine.stop()
  })

  it('caps the receive buffer when a device floods, and says so', async () => {
    const flood = (line: string) => (line === 'login' ? 'ok\r\npdu> ' : 'x'.repeat(10_000))
    const clock = new ManualClock()
    const device = fakeDevice(flood)
    const engine = new DeviceEngine({
      name: 'toy0',
      program: programFrom(toySpec, 'toy'),
      plugs,
      open: device.open,
      clock,
      log: silentLog,
      maxBuffer: 4096,
    })
    engine.start()
    const pending = engine.request('status', ['1'])
    await settle()
    for (let i = 0; i < 20; i++) device.push('y'.repeat(10_000))
    clock.advance(5000)
    const outcome = await pending
    assert.equal(outcome.ok, false)
    assert.match(engine.status.reason ?? '', /bytes dropped/)
  })
})
