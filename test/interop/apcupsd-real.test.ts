import assert from 'node:assert/strict'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { apcupsdPrograms } from '../helpers/apcupsd.ts'
import { createNutDir, type NutDir, nutBinaries } from '../helpers/nut-peer.ts'
import { freePort } from '../helpers/ports.ts'
import { ProcessGroup, run } from '../helpers/processes.ts'
import { canConnect, waitFor } from '../helpers/wait.ts'

// A mixed site, end to end with the real programs: nutshell serves a UPS on apcupsd's NIS;
// Debian's real apcupsd runs as its network client (UPSTYPE net) and serves the same UPS on
// its own NIS; nutshell's apcupsd driver reads that apcupsd in turn, and real upsc reads
// the result from `nutshell serve`. An FSD on the nutshell UPS makes apcupsd shut down.
const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const processes = new ProcessGroup()
const apc = apcupsdPrograms()
let dir: NutDir
const ports = { nut: 0, nis: 0, slave: 0 }

const devFile = [
  'ups.status: OL',
  'device.model: Smart-UPS 1500',
  'ups.model: Smart-UPS 1500',
  'input.voltage: 230.4',
  'ups.load: 23',
  'battery.charge: 100',
  'battery.runtime: 3600',
  'battery.voltage: 27.3',
  'battery.voltage.nominal: 24',
  'output.voltage: 230.0',
  'input.frequency: 50.0',
  'ups.temperature: 29.2',
  'device.serial: AS1234567890',
  'ups.firmware: 601.3.I',
  '',
].join('\n')

function slaveConf(): string {
  const at = (name: string) => join(dir.base, name)
  return [
    'UPSNAME slave',
    'UPSCABLE ether',
    'UPSTYPE net',
    `DEVICE 127.0.0.1:${ports.nis}`,
    'POLLTIME 1',
    `LOCKFILE ${at('lock')}`,
    `SCRIPTDIR ${at('scripts')}`,
    `PWRFAILDIR ${at('pwrfail')}`,
    `NOLOGINDIR ${at('nologin')}`,
    'ONBATTERYDELAY 1',
    'BATTERYLEVEL 5',
    'MINUTES 3',
    'TIMEOUT 0',
    'NETSERVER on',
    'NISIP 127.0.0.1',
    `NISPORT ${ports.slave}`,
    `EVENTSFILE ${at('apcupsd.events')}`,
    'STATTIME 0',
    `STATFILE ${at('apcupsd.status')}`,
    '',
  ].join('\n')
}

/** apccontrol as apcupsd calls it: `<event> <upsname> <connected> <powered>`; we only log. */
function apccontrol(markers: string): string {
  return `#!/bin/sh\necho "$1 $2 $3 $4" >> ${markers}\nexit 0\n`
}

async function apcaccess(port: number, ...args: string[]) {
  return run(apc.apcaccess, ['-h', `127.0.0.1:${port}`, ...args], { env: apc.env })
}

function recordsOf(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter((l) => l.length > 10)
      .map((l) => [l.slice(0, 9).trim(), l.slice(11)]),
  )
}

/** `FSD myups` over the NUT protocol, as upsmon primary sends it. */
function requestFsd(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => {
      text += d
      if (/OK FSD-SET\n|ERR [A-Z-]+\n(?![\s\S]*\n)/.test(text) && text.split('\n').length > 3) {
        socket.end()
        resolve(text)
      }
    })
    socket.on('error', reject)
    socket.write('USERNAME admin\nPASSWORD secret\nFSD myups\n')
  })
}

before(async () => {
  ports.nut = await freePort()
  ports.nis = await freePort()
  ports.slave = await freePort()
  dir = await createNutDir({
    'myups.dev': devFile,
    'nutshell.yaml': [
      'server:',
      `  listen: ["127.0.0.1:${ports.nut}"]`,
      'devices:',
      '  - name: myups',
      '    driver: dummy-ups',
      '    port: myups.dev',
      '  - name: apc',
      '    driver: apcupsd',
      `    port: 127.0.0.1:${ports.slave}`,
      '    options: {pollinterval: 1}',
      // NUT's own apcupsd-ups C driver on the same real apcupsd: the reference mapping.
      '  - name: nutapc',
      '    driver: apcupsd-ups',
      `    port: 127.0.0.1:${ports.slave}`,
      'driverDefaults: {user: root}',
      'users:',
      '  - {name: admin, password: secret, actions: [FSD]}',
      'integrations:',
      '  apcupsd:',
      `    listen: 127.0.0.1:${ports.nis}`,
      '    device: myups',
      '    thresholds: {batteryLevel: 5, minutes: 3}',
      '',
    ].join('\n'),
  })
  for (const sub of ['scripts', 'lock', 'pwrfail', 'nologin'])
    await mkdir(join(dir.base, sub), { recursive: true })
  await writeFile(join(dir.base, 'scripts', 'apccontrol'), apccontrol(join(dir.base, 'markers')))
  await chmod(join(dir.base, 'scripts', 'apccontrol'), 0o755)
  await writeFile(join(dir.base, 'apcupsd.conf'), slaveConf())
  // The NUT driver reads its section from ups.conf in NUT_CONFPATH (dir.etc).
  await dir.write(
    'ups.conf',
    `[nutapc]\n  driver = apcupsd-ups\n  port = 127.0.0.1:${ports.slave}\n  pollinterval = 1\n`,
  )
  processes.start(
    'nutshell',
    process.execPath,
    ['--import', 'tsx', cli, 'serve', '--config', join(dir.etc, 'nutshell.yaml')],
    dir.env,
  )
  await waitFor(() => canConnect(ports.nis), { what: 'nutshell NIS face', timeoutMs: 20_000 })
  processes.start(
    'apcupsd',
    apc.apcupsd,
    ['-b', '-f', join(dir.base, 'apcupsd.conf'), '-P', join(dir.base, 'apcupsd.pid')],
    apc.env,
  )
  await waitFor(() => canConnect(ports.slave), { what: 'apcupsd NIS', timeoutMs: 20_000 })
})

after(async () => {
  await processes.stopAll()
  await dir?.cleanup()
})

describe('apcupsd interop: nutshell NIS face → real apcupsd → nutshell apcupsd driver → upsc', () => {
  it('real apcupsd as a network client of nutshell reports the same values on its own NIS', async () => {
    const slave = await waitFor(
      async () => {
        const r = recordsOf((await apcaccess(ports.slave)).stdout)
        return r.get('STATUS')?.startsWith('ONLINE') && r.get('BCHARGE') !== undefined
          ? r
          : undefined
      },
      { what: 'apcupsd slave online with data', timeoutMs: 20_000 },
    )
    const master = recordsOf((await apcaccess(ports.nis)).stdout)
    for (const key of [
      'LINEV',
      'LOADPCT',
      'BCHARGE',
      'TIMELEFT',
      'BATTV',
      'NOMBATTV',
      'OUTPUTV',
      'LINEFREQ',
      'ITEMP',
      'MODEL',
      'UPSNAME',
      'SERIALNO',
      'FIRMWARE',
    ]) {
      assert.equal(slave.get(key), master.get(key), key)
    }
    assert.equal(slave.get('BCHARGE'), '100.0 Percent')
    assert.equal(slave.get('TIMELEFT'), '60.0 Minutes')
    assert.equal(slave.get('UPSNAME'), 'myups') // copied from the master
    assert.equal(slave.get('STATUS'), 'ONLINE SLAVE ')
    assert.equal(slave.get('MASTER'), `127.0.0.1:${ports.nis}`)
  })

  it("nutshell's apcupsd driver reads the real apcupsd, served to real upsc", async () => {
    const vars = await waitFor(
      async () => {
        const r = await run(nutBinaries.upsc, [`apc@127.0.0.1:${ports.nut}`], { env: dir.env })
        return r.code === 0 && /battery\.charge: 100/.test(r.stdout) ? r.stdout : undefined
      },
      { what: 'upsc apc@ with data', timeoutMs: 20_000 },
    )
    const got = new Map(
      vars
        .trim()
        .split('\n')
        .map((l) => l.split(': ') as [string, string]),
    )
    assert.equal(got.get('ups.status'), 'OL')
    assert.equal(got.get('input.voltage'), '230.4')
    assert.equal(got.get('ups.load'), '23.0')
    assert.equal(got.get('battery.runtime'), '3600.0')
    assert.equal(got.get('battery.voltage'), '27.3')
    assert.equal(got.get('ups.model'), 'Smart-UPS 1500')
    assert.equal(got.get('device.serial'), 'AS1234567890')
    assert.equal(got.get('driver.name'), 'apcupsd')
    assert.equal(got.get('ups.mfr'), 'APC')
  })

  it("maps the real apcupsd's report as NUT's own apcupsd-ups driver does", async () => {
    const read = async (ups: string) => {
      const r = await run(nutBinaries.upsc, [`${ups}@127.0.0.1:${ports.nut}`], { env: dir.env })
      return new Map(
        r.stdout
          .trim()
          .split('\n')
          .filter((l) => l.includes(': '))
          .map((l) => l.split(': ') as [string, string]),
      )
    }
    const nut = await waitFor(
      async () => {
        const m = await read('nutapc')
        return m.get('battery.charge') === undefined ? undefined : m
      },
      { what: "NUT's apcupsd-ups serving data", timeoutMs: 20_000 },
    )
    const ours = await read('apc')
    // driver.* name the driver; ups.date/ups.time are the moment each one polled.
    const compared = (m: Map<string, string>) =>
      [...m].filter(([k]) => !k.startsWith('driver.') && k !== 'ups.date' && k !== 'ups.time')
    assert.deepEqual(compared(ours), compared(nut))
    assert.match(ours.get('ups.date') ?? '', /^\d{4}-\d\d-\d\d$/)
  })

  it('an FSD on the nutshell UPS makes the real apcupsd run doshutdown', async () => {
    const reply = await requestFsd(ports.nut)
    assert.match(reply, /OK FSD-SET/)
    const markers = await waitFor(
      async () => {
        const text = await readFile(join(dir.base, 'markers'), 'utf8').catch(() => '')
        return /^doshutdown /m.test(text) && /^remotedown /m.test(text) ? text : undefined
      },
      { what: 'apcupsd doshutdown marker', timeoutMs: 20_000 },
    )
    // apccontrol <event> <upsname> <connected> <powered>: the name is the master's. apcupsd
    // runs each event's script in its own child, so the two markers may land in either order.
    assert.match(markers, /^remotedown myups 0 1$/m)
    assert.match(markers, /^doshutdown myups 0 1$/m)
    const events = await readFile(join(dir.base, 'apcupsd.events'), 'utf8')
    assert.match(events, /Shutdown because NIS master is shutting down/)
    // The slave now says it is shutting down, and nutshell's driver shows that as FSD.
    const status = await waitFor(
      async () => {
        const r = await run(nutBinaries.upsc, [`apc@127.0.0.1:${ports.nut}`, 'ups.status'], {
          env: dir.env,
        })
        return /^FSD/.test(r.stdout) ? r.stdout.trim() : undefined
      },
      { what: 'FSD on the apc device', timeoutMs: 20_000 },
    )
    assert.match(status, /^FSD( |$)/)
  })
})
