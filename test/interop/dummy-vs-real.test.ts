import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { utimes, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { NutClient } from '../../src/client/index.ts'
import { devicesFromUpsConf } from '../../src/config/from-nut.ts'
import { systemClock } from '../../src/core/clock.ts'
import { silentLogger } from '../../src/core/log.ts'
import type { Device } from '../../src/devices/device.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { typeWords } from '../../src/devices/variable.ts'
import { nutKeptValue } from '../../src/drivers/dummy/data-file.ts'
import { DummyDriver } from '../../src/drivers/dummy/dummy-driver.ts'
import { namesWithOwnFlags } from '../../src/drivers/dummy/variable-flags.ts'
import { type DriverToServerMessage, parseSocketLine } from '../../src/protocol/driver-socket.ts'
import { parseUpsConf } from '../../src/protocol/nut-config/ups-conf.ts'
import { dumpMessages } from '../../src/server/driver-socket/dump.ts'
import { createNutServer } from '../../src/server/nut-server.ts'
import { nutBinaries, type RealNut, startRealNut } from '../helpers/nut-peer.ts'
import { testServerConfig } from '../helpers/nut-server-fixture.ts'
import { freePort } from '../helpers/ports.ts'
import { run } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'

// The same ups.conf and data files, served by Debian's real dummy-ups 2.8.0 through real
// upsd, and replayed by nutshell's built-in driver: the devices must be identical (names,
// values, GET TYPE words, enums, ranges, commands) but for the documented differences
// (docs/compatibility.md, "dummy-ups driver").

/** Every variable of NUT's cmdvartab, plus the names dummy-ups gives flags of its own. */
function everyName(): string[] {
  const table = existsSync('/usr/share/nut/cmdvartab')
    ? readFileSync('/usr/share/nut/cmdvartab', 'utf8')
        .split('\n')
        .flatMap((line) => /^VARDESC\s+(\S+)/.exec(line)?.[1] ?? [])
    : []
  return [...new Set([...table, ...namesWithOwnFlags()])]
    .filter((n) => !/^(driver|server)\./.test(n) && n !== 'ups.status')
    .sort()
}

const longValue = `${'x'.repeat(60)} ${'y'.repeat(100)}`

const files: Record<string, string> = {
  'upsd.users': '[admin]\n  password = adminpass\n  actions = SET\n  instcmds = ALL\n',
  'ups.conf': [
    '[plain]',
    '  driver = dummy-ups',
    '  port = plain.dev',
    '  desc = "plain file"',
    '[quotes]',
    '  driver = dummy-ups',
    '  port = quotes.dev',
    '[names]',
    '  driver = dummy-ups',
    '  port = names.dev',
    '[options]',
    '  driver = dummy-ups',
    '  port = options.txt',
    '  override.ups.mfr = Fixed',
    '  default.battery.charge = 77',
    '  synchronous = yes',
    '  nolock',
    '[seq]',
    '  driver = dummy-ups',
    '  port = cycle.seq',
    '[devmfr]',
    '  driver = dummy-ups',
    '  port = devmfr.dev',
    '',
  ].join('\n'),
  'plain.dev': [
    'ups.mfr: Acme',
    'ups.model: TestBox 1000',
    'ups.serial: SN123',
    'ups.status: OL CHRG',
    'battery.charge: 100',
    'battery.charge.low: 20',
    'battery.runtime: 3600',
    'input.voltage: 230.0',
    'input.sensitivity: H',
    'ups.id: "quoted  two-space value"',
    'device.type: pdu',
    '',
  ].join('\n'),
  'quotes.dev': [
    'ups.mfr: "Acme \\"Power\\" \\# 1"',
    'device.mfr: Direct',
    'custom.eq: a=b=c =d',
    'custom.spaces: hello   world # a comment',
    'esc.val: back\\\\slash "q\\"x"',
    'Ups.Id: MixedCase',
    'lead.space: " a"',
    'two.empty: "" ""',
    // startRealNut waits for the names before the first TIMER; this one is deleted.
    'TIMER 0',
    'ups.model: ""',
    'name.no.colon value',
    `custom.long: ${longValue}`,
    'driver.name: ignored',
    '',
  ].join('\n'),
  'names.dev': `${everyName()
    .map((n) => `${n}: 1`)
    .join('\n')}\n`,
  'options.txt': 'ups.mfr: FromFile\nups.model: M\n',
  'devmfr.dev': 'device.mfr: File Maker\ndevice.model: File Model 9\nups.status: OL\n',
  'cycle.seq': [
    'ups.status: OB DISCHRG',
    'battery.charge: 50',
    'TIMER 1',
    'ups.status: OL CHRG',
    'input.voltage: 231',
    'TIMER 1',
    '',
  ].join('\n'),
}

/** The real driver's answer to DUMPALL on its state socket, parsed. */
function realDump(socketPath: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath)
    let text = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no DUMPDONE from ${socketPath}`))
    }, 5000)
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write('DUMPALL\n'))
    socket.on('error', reject)
    socket.on('data', (chunk: string) => {
      text += chunk
      const lines = text.split('\n')
      const done = lines.indexOf('DUMPDONE')
      if (done < 0) return
      clearTimeout(timer)
      socket.destroy()
      resolve(
        lines.slice(0, done + 1).map((l) => {
          const parsed = parseSocketLine(l)
          return parsed.ok ? parsed.message : { unparsed: l }
        }),
      )
    })
  })
}

/**
 * NUT's driver core starts in "auto" synchronous mode and switches itself to "yes" (and
 * says so in driver.parameter.synchronous) when a write to upsd would block, which a
 * 160-variable dump sometimes does: a run-time detail of the real driver, not of the file.
 */
function sameSync(ups: string, view: View): View {
  if (ups === 'options') return view // sets synchronous = yes itself
  return {
    ...view,
    variables: view.variables.map((l) =>
      l.startsWith('driver.parameter.synchronous="yes"') ? l.replace('"yes"', '"auto"') : l,
    ),
  }
}

interface View {
  variables: string[]
  commands: string[]
}

async function realView(client: NutClient, ups: string): Promise<View> {
  const vars = (await client.listVars(ups)).filter((v) => !v.name.startsWith('server.'))
  const variables = await Promise.all(
    vars.map(async (v) => {
      const type = await client.getType(ups, v.name)
      const enums = type.enum ? await client.listEnum(ups, v.name) : []
      const ranges = type.range ? await client.listRange(ups, v.name) : []
      return `${v.name}=${JSON.stringify(v.value)} [${type.flags.join(' ')}] ${JSON.stringify({ enums, ranges })}`
    }),
  )
  return { variables, commands: await client.listCommands(ups) }
}

function ourView(device: Device): View {
  return {
    variables: device
      .listVariables()
      .map(
        (v) =>
          `${v.name}=${JSON.stringify(v.value)} [${typeWords(v).join(' ')}] ${JSON.stringify({ enums: v.enums, ranges: v.ranges })}`,
      ),
    commands: device.listCommands(),
  }
}

describe('built-in dummy-ups against Debian dummy-ups 2.8.0 + upsd', () => {
  let real: RealNut
  let client: NutClient
  const store = new DeviceStore()
  const drivers: DummyDriver[] = []

  before(async () => {
    real = await startRealNut(files, ['plain', 'quotes', 'names', 'options', 'seq', 'devmfr'])
    client = await NutClient.connect({ host: '127.0.0.1', port: real.port })
    const conf = parseUpsConf(files['ups.conf'] ?? '')
    for (const config of devicesFromUpsConf(conf.conf)) {
      const device = store.add(config.name)
      const context = {
        clock: systemClock,
        log: silentLogger(),
        configDir: real.dir.etc,
        statePath: real.dir.run,
      }
      const driver = new DummyDriver(config, device, context)
      drivers.push(driver)
      await driver.start()
    }
  })

  after(async () => {
    for (const driver of drivers) await driver.stop()
    await client?.close()
    await real?.stop()
  })

  /** Waits until the two agree (the real driver re-reads its file a few seconds in). */
  async function compare(ups: string, adjust: (view: View) => View = (v) => v): Promise<void> {
    const device = store.get(ups)
    assert.ok(device)
    let last: [View, View] | undefined
    await waitFor(
      async () => {
        last = [sameSync(ups, await realView(client, ups)), adjust(ourView(device))]
        return JSON.stringify(last[0]) === JSON.stringify(last[1])
      },
      { timeoutMs: 12_000, intervalMs: 250, what: `${ups} to match` },
    ).catch(() => undefined)
    assert.ok(last)
    assert.deepEqual(last[1], last[0])
  }

  it('a plain .dev file', async () => {
    await compare('plain')
  })

  it('every variable name of cmdvartab, with dummy-ups flags and lengths', async () => {
    await compare('names')
  })

  it('quotes, escapes, =, case, empty values; long values are the documented difference', async () => {
    // dummy-ups cuts long values (to 126 characters here); nutshell keeps them whole.
    const ours = store.get('quotes')?.getValue('custom.long')
    assert.equal(ours, longValue)
    await compare('quotes', (view) => ({
      ...view,
      variables: view.variables.map((line) =>
        line.startsWith('custom.long=')
          ? line.replace(longValue, nutKeptValue(longValue.split(' ')))
          : line,
      ),
    }))
  })

  it('override, default, flags and other section options', async () => {
    await compare('options')
  })

  it('a .seq file with TIMERs: same variables and flags in every phase', async () => {
    const device = store.get('seq')
    assert.ok(device)
    const phaseFree = (view: View): View => ({
      ...view,
      variables: view.variables.map((line) => line.replace(/^ups\.status="[^"]*"/, 'ups.status=?')),
    })
    await waitFor(() => device.getValue('input.voltage') !== undefined, { what: 'second phase' })
    let last: [View, View] | undefined
    await waitFor(
      async () => {
        last = [phaseFree(await realView(client, 'seq')), phaseFree(ourView(device))]
        return JSON.stringify(last[0]) === JSON.stringify(last[1])
      },
      { timeoutMs: 12_000, intervalMs: 250, what: 'seq to match' },
    ).catch(() => undefined)
    assert.ok(last)
    assert.deepEqual(last[1], last[0])
    const status = await client.getVar('seq', 'ups.status')
    assert.ok(['OB DISCHRG', 'OL CHRG'].includes(status), status)
  })

  it('real upsc, upsrw and upscmd -l print the same for both', async () => {
    const port = await freePort()
    const server = createNutServer({
      store,
      server: testServerConfig({ listen: [{ host: '127.0.0.1', port }], statePath: real.dir.run }),
      users: [],
      log: silentLogger(),
    })
    await server.start()
    try {
      for (const ups of ['plain', 'names', 'options']) {
        for (const [tool, args] of [
          [nutBinaries.upsc, []],
          [nutBinaries.upsrw, []],
          [nutBinaries.upscmd, ['-l']],
        ] as const) {
          const theirs = await run(tool, [...args, `${ups}@127.0.0.1:${real.port}`])
          const ours = await run(tool, [...args, `${ups}@127.0.0.1:${port}`])
          const clean = (text: string): string =>
            text
              .split('\n')
              .filter((l) => !l.startsWith('server.') && !l.startsWith('Init SSL'))
              .filter((l) => ups === 'options' || !l.startsWith('driver.parameter.synchronous'))
              .join('\n')
          assert.equal(clean(ours.stdout), clean(theirs.stdout), `${tool} ${ups}`)
          assert.equal(ours.code, theirs.code)
        }
      }
    } finally {
      await server.stop()
    }
  })

  it('SET (a value, an empty value), then a changed .dev file: both replay it from the top', async () => {
    const device = store.get('plain')
    assert.ok(device)
    const admin = await NutClient.connect({ host: '127.0.0.1', port: real.port })
    try {
      await admin.authenticate('admin', 'adminpass')
      await admin.setVar('plain', 'ups.model', 'Set Model')
      await admin.setVar('plain', 'input.sensitivity', '')
    } finally {
      await admin.close()
    }
    assert.equal(await device.requestSet('ups.model', 'Set Model'), 'SUCCESS')
    assert.equal(await device.requestSet('input.sensitivity', ''), 'SUCCESS')
    await compare('plain')
    const changed = `${files['plain.dev']}battery.charge: 42\nnew.var: appeared\n`
    await writeFile(join(real.dir.etc, 'plain.dev'), changed)
    await waitFor(() => device.getValue('new.var') === 'appeared', { what: 'our reload' })
    await compare('plain')
    assert.equal(device.getValue('ups.model'), 'TestBox 1000', 'the file sets it again')
    assert.equal(device.getValue('battery.charge'), '42')
  })

  it("device.* lines of a file without TIMER: dummy-ups' start-up copy wins until the file changes, nutshell serves the file at once", async () => {
    const device = store.get('devmfr')
    assert.ok(device)
    assert.equal(device.getValue('device.mfr'), 'File Maker')
    assert.equal(device.getValue('device.model'), 'File Model 9')
    // NUT's driver core copies ups.mfr/ups.model (dummy-ups' defaults here) over them.
    await waitFor(async () => (await client.getVar('devmfr', 'device.model')) === 'Dummy UPS', {
      what: "the real driver's start-up copy",
    })
    assert.equal(await client.getVar('devmfr', 'device.mfr'), 'Dummy Manufacturer')
    // Once the file changes, the real driver reads it again and serves what nutshell serves.
    const later = new Date(Date.now() + 5_000)
    await utimes(join(real.dir.etc, 'devmfr.dev'), later, later)
    await compare('devmfr')
    assert.equal(await client.getVar('devmfr', 'device.mfr'), 'File Maker')
  })

  // Last: a socket client that goes away can upset a 2.8.0 driver later (reference 6).
  it('DUMPALL on the driver socket: the same messages, flags and aux', async () => {
    // (Not 'names': its 160-variable dump is where 2.8.0's socket handling gave up once.)
    for (const ups of ['plain', 'options']) {
      const device = store.get(ups)
      assert.ok(device)
      // dummy-ups sends "SETFLAGS name" with no flag for an override; nutshell sends nothing.
      const dumped = (await realDump(join(real.dir.run, `dummy-ups-${ups}`))).filter(
        (m) =>
          !(
            (m as DriverToServerMessage).type === 'SETFLAGS' &&
            (m as { flags: string[] }).flags.length === 0
          ),
      )
      assert.deepEqual(dumpMessages(device), dumped, ups)
    }
  })
})
