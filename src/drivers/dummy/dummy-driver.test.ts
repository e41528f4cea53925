import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { DeviceConfig } from '../../config/types.ts'
import { silentLogger } from '../../core/log.ts'
import { ManualClock } from '../../core/manual-clock.ts'
import { DeviceStore } from '../../devices/device-store.ts'
import { typeWords } from '../../devices/variable.ts'
import { DummyDriver } from './dummy-driver.ts'

let dir: string
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-dummy-'))
})
after(async () => {
  await rm(dir, { recursive: true, force: true })
})

let counter = 0
async function setUp(
  file: string,
  text: string | undefined,
  extra: Partial<DeviceConfig> = {},
): Promise<{ driver: DummyDriver; clock: ManualClock; store: DeviceStore; path: string }> {
  const sub = join(dir, String(counter++))
  await mkdir(sub)
  const path = join(sub, file)
  if (text !== undefined) await writeFile(path, text)
  const clock = new ManualClock()
  const store = new DeviceStore()
  const device = store.add('d')
  const config: DeviceConfig = {
    name: 'd',
    driver: 'dummy-ups',
    port: file,
    options: {},
    flags: [],
    ...extra,
  }
  const driver = new DummyDriver(config, device, {
    clock,
    log: silentLogger(),
    configDir: sub,
    statePath: sub,
  })
  await driver.start()
  return { driver, clock, store, path }
}

/** Moves virtual time in steps so that file reads started by timers finish in between. */
async function advance(driver: DummyDriver, clock: ManualClock, ms: number): Promise<void> {
  for (let done = 0; done < ms; done += 250) {
    clock.advance(Math.min(250, ms - done))
    await driver.idle()
  }
}

function typeOf(store: DeviceStore, name: string): string {
  const variable = store.get('d')?.getVariable(name)
  return variable === undefined ? 'missing' : `${typeWords(variable).join(' ')}`
}

describe('DummyDriver', () => {
  it('shows what dummy-ups 2.8.0 shows for a .dev file', async () => {
    const { driver, clock, store } = await setUp(
      'plain.dev',
      'ups.mfr: Acme\nups.model: Box\nbattery.charge: 100\nups.id: x\n',
    )
    const device = store.get('d')
    assert.ok(device)
    assert.equal(device.commState, 'ok')
    assert.equal(device.getValue('device.mfr'), undefined, 'copied to device.* a second in')
    await advance(driver, clock, 1000)
    assert.deepEqual(
      device.listVariables().map((v) => [v.name, v.value, typeWords(v).join(' ')]),
      [
        ['battery.charge', '100', 'RW NUMBER'],
        ['device.mfr', 'Acme', 'NUMBER'],
        ['device.model', 'Box', 'NUMBER'],
        ['device.type', 'ups', 'NUMBER'],
        ['driver.name', 'dummy-ups', 'NUMBER'],
        ['driver.parameter.mode', 'dummy-once', 'NUMBER'],
        ['driver.parameter.pollinterval', '2', 'NUMBER'],
        ['driver.parameter.port', 'plain.dev', 'NUMBER'],
        ['driver.parameter.synchronous', 'auto', 'NUMBER'],
        ['driver.version', '2.8.0', 'NUMBER'],
        ['driver.version.internal', '0.15', 'NUMBER'],
        ['ups.id', 'x', 'RW STRING:16'],
        ['ups.mfr', 'Acme', 'RW STRING:32'],
        ['ups.model', 'Box', 'RW STRING:32'],
        ['ups.status', 'OL', 'RW STRING:32'],
      ],
    )
    assert.deepEqual(device.listCommands(), ['load.off'])
    await driver.stop()
    assert.equal(device.commState, 'lost')
  })

  it('pauses at TIMER on the clock and stops at the end in dummy-once mode', async () => {
    const { driver, clock, store } = await setUp(
      't.dev',
      'ups.status: OB\nTIMER 10\nups.status: OL\n',
    )
    const device = store.get('d')
    assert.equal(device?.getValue('ups.status'), 'OB')
    await advance(driver, clock, 9_750)
    assert.equal(device?.getValue('ups.status'), 'OB')
    await advance(driver, clock, 250)
    assert.equal(device?.getValue('ups.status'), 'OL')
    device?.setValue('ups.status', 'changed')
    await advance(driver, clock, 60_000)
    assert.equal(
      device?.getValue('ups.status'),
      'changed',
      'a .dev file is not replayed while unchanged',
    )
    await driver.stop()
  })

  it('loops a .seq file, one poll interval after its end', async () => {
    const { driver, clock, store } = await setUp(
      'f.seq',
      'ups.status: OB\nTIMER 2\nups.status: OL\nTIMER 2\n',
    )
    const seen: string[] = []
    store.onChange((c) => {
      if (c.kind === 'variable' && c.name === 'ups.status') seen.push(`${clock.now()} ${c.value}`)
    })
    await advance(driver, clock, 13_000)
    assert.deepEqual(seen, ['2000 OL', '6000 OB', '8000 OL', '12000 OB'])
    assert.equal(store.get('d')?.getValue('driver.parameter.mode'), 'dummy-loop')
    await driver.stop()
  })

  it('replays a dummy-once file when its modification time changes; SET values persist', async () => {
    const { driver, clock, store, path } = await setUp('r.dev', 'battery.charge: 90\n')
    const device = store.get('d')
    assert.ok(device)
    assert.equal(await device.requestSet('ups.mfr', 'mine'), 'SUCCESS')
    assert.equal(device.getValue('ups.mfr'), 'mine')
    await writeFile(path, 'battery.charge: 50\n')
    const later = new Date(Date.now() + 60_000)
    await utimes(path, later, later)
    await advance(driver, clock, 2_000)
    assert.equal(device.getValue('battery.charge'), '50')
    assert.equal(device.getValue('ups.mfr'), 'mine')
    await driver.stop()
  })

  it('carries out SET as dummy-ups does: empty deletes, ups.status wholesale', async () => {
    const { driver, store } = await setUp('s.dev', 'ups.status: OL CHRG\ncustom.x: 1\n')
    const device = store.get('d')
    assert.ok(device)
    assert.equal(await device.requestSet('ups.status', 'OB LB'), 'SUCCESS')
    assert.equal(device.getValue('ups.status'), 'OB LB')
    assert.equal(await device.requestSet('custom.x', ''), 'SUCCESS')
    assert.equal(device.getVariable('custom.x'), undefined)
    assert.equal(await device.requestSet('ups.status', ''), 'SUCCESS')
    assert.equal(device.getValue('ups.status'), '')
    assert.equal(await device.requestInstantCommand('load.off', undefined), 'ERR UNKNOWN')
    await driver.stop()
  })

  it('is lost while the file is missing and comes up once it appears', async () => {
    const { driver, clock, store, path } = await setUp('late.dev', undefined)
    const device = store.get('d')
    assert.equal(device?.commState, 'lost')
    assert.equal(device?.listVariables().length, 0)
    await writeFile(path, 'ups.status: OB\n')
    await advance(driver, clock, 2_000)
    assert.equal(device?.commState, 'ok')
    assert.equal(device?.getValue('ups.status'), 'OB')
    await driver.stop()
  })

  it('refuses a powerman device script and replays nothing of it', async () => {
    const script = 'specification "toy" {\n\ttimeout 5\n\tscript login {\n\t\tsend "x"\n\t}\n}\n'
    const { driver, clock, store } = await setUp('toy.dev', script)
    await advance(driver, clock, 4_000)
    const device = store.get('d')
    assert.equal(device?.commState, 'lost')
    assert.equal(device?.listVariables().length, 0)
    await driver.stop()
  })

  it('chooses the mode from the option and the extension, and applies override/default', async () => {
    const { driver, store } = await setUp('o.txt', 'ups.mfr: FileMfr\n', {
      options: { 'override.ups.mfr': 'OV', 'default.battery.charge': '77', synchronous: 'yes' },
      flags: ['nolock'],
    })
    const device = store.get('d')
    assert.equal(device?.getValue('driver.parameter.mode'), 'dummy')
    assert.equal(device?.getValue('driver.parameter.synchronous'), 'yes')
    assert.equal(device?.getValue('driver.flag.nolock'), 'enabled')
    assert.equal(device?.getValue('ups.mfr'), 'OV')
    assert.equal(typeOf(store, 'ups.mfr'), 'NUMBER')
    assert.equal(device?.getValue('battery.charge'), '77')
    assert.equal(typeOf(store, 'battery.charge'), 'NUMBER')
    await driver.stop()
  })

  it('waits out a TIMER longer than a Node timer can hold', async () => {
    const { driver, clock, store } = await setUp(
      'long.dev',
      'ups.status: OB\nTIMER 3000000\nups.status: OL\n',
    )
    clock.advance(2_999_999_000)
    await driver.idle()
    assert.equal(store.get('d')?.getValue('ups.status'), 'OB')
    clock.advance(1000)
    await driver.idle()
    assert.equal(store.get('d')?.getValue('ups.status'), 'OL')
    await driver.stop()
  })

  it('commits ups.status last among the lines between two TIMERs', async () => {
    const { driver, clock, store } = await setUp(
      'commit.dev',
      'ups.status: OL\nbattery.charge: 100\nTIMER 1\nups.status: OB\nbattery.charge: 93\n',
    )
    const seen: string[] = []
    store.onChange((c) => {
      if (c.kind === 'variable' && c.name === 'ups.status') {
        seen.push(`${c.value} at ${store.get('d')?.getValue('battery.charge')} %`)
      }
    })
    await advance(driver, clock, 1000)
    assert.deepEqual(seen, ['OB at 93 %'])
    await driver.stop()
  })
})
