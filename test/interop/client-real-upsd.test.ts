/**
 * nutshell's NUT client against Debian's REAL upsd 2.8.0 with a REAL dummy-ups (and a
 * stand-in driver for enums, ranges and several commands): every request the client
 * offers, answered by the reference implementation.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { libupsclientMessage, NutClientError, NutServerError } from '../../src/client/errors.ts'
import { NutClient } from '../../src/client/nut-client.ts'
import { dummySection, upsdUsersFile } from '../helpers/nut-files.ts'
import { type RealNut, startRealNut } from '../helpers/nut-peer.ts'
import { sampleUsers } from '../helpers/nut-server-fixture.ts'
import { run } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'
import {
  type FakeDriver,
  fakeDriverSections,
  richDump,
  startFakeDriver,
} from './client-fake-driver.ts'

const files: Record<string, string> = {
  'ups.conf': [...dummySection, ...fakeDriverSections, ''].join('\n'),
  'dummy.dev': 'ups.status: OL CHRG\nbattery.charge: 100\nups.id: "two  spaces"\n',
  'upsd.users': upsdUsersFile(sampleUsers),
}

let nut: RealNut
let driver: FakeDriver
const clients: NutClient[] = []

async function connect(): Promise<NutClient> {
  const client = await NutClient.connect({ host: '127.0.0.1', port: nut.port, timeoutMs: 5000 })
  clients.push(client)
  return client
}

before(async () => {
  nut = await startRealNut(files, ['dummy'])
  driver = await startFakeDriver(join(nut.dir.run, 'fakedrv-rich'), {
    dump: richDump,
    instcmdResults: { 'load.on': 3 },
  })
  await waitFor(
    async () => (await run('upsc', [`rich@127.0.0.1:${nut.port}`, 'ups.id'])).code === 0,
    { what: 'upsd serving the stand-in driver' },
  )
})

after(async () => {
  for (const client of clients) client.destroy()
  await driver?.close()
  await nut?.stop()
})

describe('NutClient against real upsd 2.8.0', () => {
  test('reading: LIST UPS/VAR/RW/CMD/ENUM/RANGE, GET VAR/TYPE/DESC/CMDDESC/UPSDESC', async () => {
    const client = await connect()
    const [upses, vars, rw, cmds, enums, ranges, type, enumType, desc, cmdDesc, upsDesc] =
      await Promise.all([
        client.listUps(),
        client.listVars('dummy'),
        client.listRw('rich'),
        client.listCommands('rich'),
        client.listEnum('rich', 'input.transfer.high'),
        client.listRange('rich', 'battery.charge.low'),
        client.getType('rich', 'ups.id'),
        client.getType('rich', 'ups.beeper.status'),
        client.getDescription('dummy', 'battery.charge'),
        client.getCommandDescription('dummy', 'load.off'),
        client.getUpsDescription('dummy'),
      ])
    assert.deepEqual(upses, [
      { name: 'dummy', description: 'Test "quoted" UPS # not a comment' },
      { name: 'rich', description: 'Description unavailable' },
      { name: 'ghost', description: 'Description unavailable' },
    ])
    assert.deepEqual(
      vars.find((v) => v.name === 'ups.id'),
      { name: 'ups.id', value: 'two  spaces' },
    )
    assert.ok(vars.some((v) => v.name === 'driver.name' && v.value === 'dummy-ups'))
    assert.deepEqual(
      rw.map((v) => v.name),
      [
        'battery.charge.low',
        'input.transfer.high',
        'ups.beeper.status',
        'ups.delay.shutdown',
        'ups.id',
        'x.custom',
      ],
    )
    assert.equal(rw.find((v) => v.name === 'ups.id')?.value, 'rack "A" # 1')
    assert.deepEqual(cmds, [
      'beeper.toggle',
      'load.off',
      'load.on',
      'test.battery.start.quick',
      'test.failure.start',
      'x.custom.cmd',
    ])
    assert.deepEqual(enums, ['240', '250', '260'])
    assert.deepEqual(ranges, [
      { min: 5, max: 40 },
      { min: 50, max: 60 },
    ])
    assert.deepEqual(type, {
      flags: ['RW', 'STRING:16'],
      rw: true,
      enum: false,
      range: false,
      kind: 'string',
      maxLength: 16,
    })
    assert.deepEqual(enumType.flags, ['RW', 'ENUM', 'STRING:10'])
    assert.equal(desc, 'Battery charge (percent of full)')
    assert.equal(cmdDesc, 'Turn off the load immediately')
    assert.equal(upsDesc, 'Test "quoted" UPS # not a comment')
  })

  test('names are matched case-insensitively and the echo is checked the same way', async () => {
    const client = await connect()
    assert.equal(await client.getVar('DUMMY', 'UPS.STATUS'), 'OL CHRG')
    assert.ok((await client.listVars('Dummy')).length > 3)
    assert.equal(await client.getVar('nosuch', 'server.version'), '2.8.0')
  })

  test('server errors carry the wire word and libupsclient’s text', async () => {
    const client = await connect()
    const cases: Array<[Promise<unknown>, string, string]> = [
      [client.getVar('nosuch', 'ups.status'), 'UNKNOWN-UPS', 'Unknown UPS'],
      [client.getVar('dummy', 'no.such'), 'VAR-NOT-SUPPORTED', 'Variable not supported by UPS'],
      [client.listVars('ghost'), 'DRIVER-NOT-CONNECTED', 'Driver not connected'],
      [client.getNumLogins('ghost'), 'DRIVER-NOT-CONNECTED', 'Driver not connected'],
      [client.setVar('dummy', 'ups.id', 'x'), 'USERNAME-REQUIRED', 'Username required'],
      [client.getTracking('1234'), 'FEATURE-NOT-CONFIGURED', 'Unknown error'],
      [client.request(['NOPE']), 'UNKNOWN-COMMAND', 'Unknown command'],
    ]
    for (const [promise, word, text] of cases) {
      const error = await promise.catch((e: unknown) => e)
      assert.ok(error instanceof NutServerError, `${word}: ${String(error)}`)
      assert.equal(error.word, word)
      assert.equal(libupsclientMessage(error), text)
    }
    // The connection is still usable after all those errors.
    assert.equal(await client.getTrackingMode(), false)
  })

  test('SET VAR and INSTCMD with tracking, waited on', async () => {
    const client = await connect()
    await client.authenticate('admin', 'adminpass')
    await client.setTracking(true)
    assert.equal(await client.getTrackingMode(), true)
    // Quotes, # and backslashes survive upsd (dummy-ups itself would mangle them: use rich).
    const set = await client.setVar('rich', 'ups.id', 'a "q" #\\v')
    assert.match(set.trackingId ?? '', /^[0-9A-F-]{36}$/)
    assert.equal(await client.waitForTracking(set.trackingId ?? ''), 'SUCCESS')
    await waitFor(async () => (await client.getVar('rich', 'ups.id')) === 'a "q" #\\v', {
      what: 'the new value',
    })
    // dummy-ups registers load.off but answers "unknown"; the parameter goes through.
    const cmd = await client.instcmd('dummy', 'load.off', '5')
    assert.equal(await client.waitForTracking(cmd.trackingId ?? ''), 'ERR UNKNOWN')
    const failed = await client.instcmd('rich', 'load.on')
    assert.equal(await client.waitForTracking(failed.trackingId ?? ''), 'ERR FAILED')
    assert.ok(driver.received.some((line) => /^INSTCMD load\.on TRACKING /.test(line)))
    const errors = await Promise.all([
      client.setVar('rich', 'input.transfer.high', '245').catch((e: unknown) => e),
      client.setVar('rich', 'ups.id', 'x'.repeat(17)).catch((e: unknown) => e),
      client.setVar('dummy', 'driver.name', 'x').catch((e: unknown) => e),
      client.instcmd('dummy', 'bogus.cmd').catch((e: unknown) => e),
    ])
    assert.deepEqual(
      errors.map((e) => (e instanceof NutServerError ? e.word : String(e))),
      ['INVALID-VALUE', 'TOO-LONG', 'READONLY', 'CMD-NOT-SUPPORTED'],
    )
  })

  test('without tracking, SET and INSTCMD answer a plain OK', async () => {
    const client = await connect()
    await client.authenticate('admin', 'adminpass')
    assert.deepEqual(await client.setVar('rich', 'x.custom', 'short'), { reply: 'OK' })
    assert.deepEqual(await client.instcmd('rich', 'beeper.toggle'), { reply: 'OK' })
  })

  test('LOGIN, NUMLOGINS, LIST CLIENT, PRIMARY, FSD, LOGOUT as upsmon uses them', async () => {
    const primary = await connect()
    const secondary = await connect()
    await Promise.all([
      primary.authenticate('monp', 'p@ssw0rd'),
      secondary.authenticate('mons', 'secpass'),
    ])
    await Promise.all([primary.login('rich'), secondary.login('rich')])
    assert.equal(await primary.getNumLogins('rich'), 2)
    assert.deepEqual(await primary.listClients('rich'), ['127.0.0.1', '127.0.0.1'])
    assert.equal(await primary.primary('rich'), 'PRIMARY')
    const refused = await secondary.primary('rich').catch((e: unknown) => e)
    assert.ok(refused instanceof NutServerError && refused.word === 'ACCESS-DENIED')
    const again = await secondary.login('rich').catch((e: unknown) => e)
    assert.ok(again instanceof NutServerError && again.word === 'ALREADY-LOGGED-IN')
    await primary.fsd('rich')
    assert.equal(await primary.getVar('rich', 'ups.status'), 'FSD OL')
    await secondary.close()
    assert.equal(secondary.closed, true)
    await waitFor(async () => (await primary.getNumLogins('rich')) === 1, { what: 'NUMLOGINS 1' })
    assert.equal(await primary.logout(), 'OK Goodbye')
    await waitFor(() => primary.closed, { what: 'upsd closing after LOGOUT' })
  })

  test('STARTTLS: try-mode falls back to plain text; require-mode refuses', async () => {
    const plain = await NutClient.connect({ host: '127.0.0.1', port: nut.port, tls: 'try' })
    clients.push(plain)
    assert.equal(plain.secure, false)
    assert.equal(await plain.getVar('dummy', 'ups.status'), 'OL CHRG')
    const refused = await NutClient.connect({
      host: '127.0.0.1',
      port: nut.port,
      tls: 'require',
    }).catch((e: unknown) => e)
    assert.ok(refused instanceof NutClientError && refused.code === 'NS_CLIENT_TLS')
  })

  test('hundreds of pipelined requests come back in order', async () => {
    const client = await connect()
    const names = ['ups.status', 'battery.charge', 'ups.id', 'driver.name']
    const requests = Array.from({ length: 400 }, (_, i) => names[i % names.length] as string)
    const values = await Promise.all(requests.map((name) => client.getVar('dummy', name)))
    const expected = await Promise.all(names.map((name) => client.getVar('dummy', name)))
    values.forEach((value, i) => {
      assert.equal(value, expected[i % names.length])
    })
  })

  test('localhost resolves and the default STARTTLS probe works by name', async () => {
    const client = await NutClient.connect({ host: 'localhost', port: nut.port, tls: 'try' })
    clients.push(client)
    assert.equal(await client.getVar('dummy', 'ups.status'), 'OL CHRG')
    await client.close()
  })

  test('the client example in docs/tools.md runs as shown', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url))
    const doc = await readFile(join(root, 'docs', 'tools.md'), 'utf8')
    const block = /<!-- example: client[^>]*-->\n```ts\n([\s\S]*?)\n```/.exec(doc)?.[1]
    assert.ok(block !== undefined, 'example block not found')
    const index = join(root, 'src', 'client', 'index.ts')
    const dir = await mkdtemp(join(tmpdir(), 'ns-doc-'))
    try {
      const file = join(dir, 'example.mts')
      await writeFile(file, block.replace("'../src/client/index.ts'", JSON.stringify(index)))
      const result = await run(process.execPath, ['--import', 'tsx', file], {
        cwd: root,
        env: { ...process.env, NUT_HOST: '127.0.0.1', NUT_PORT: String(nut.port) },
      })
      assert.equal(result.stderr, '')
      assert.match(
        result.stdout,
        /^status OL CHRG, \d+ variables, \d+ writable\nSET: SUCCESS\nrefused: VAR-NOT-SUPPORTED\n$/,
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
