import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { type Broker, startBroker } from '../../src/broker/broker.ts'
import type { BrokerConfig } from '../../src/config/types.ts'
import { monitorConfig } from '../helpers/monitor-fakes.ts'
import { testServerConfig } from '../helpers/nut-server-fixture.ts'
import { freePort } from '../helpers/ports.ts'
import { waitFor } from '../helpers/wait.ts'
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts'

// Issue 4's end-to-end proof: rules running inside the broker on a dummy device. A rule's
// notify reaches a webhook receiver started here, and an exec action's marker file appears.
describe('rules inside the broker', () => {
  const cleanups: Array<() => Promise<unknown>> = []
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  it('runs notify (to a webhook) and exec when a dummy UPS goes on battery', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-rules-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))

    const receiver = await startWebhookReceiver()
    cleanups.push(() => receiver.close())
    const { received } = receiver
    const url = `${receiver.url}/hook`

    const marker = join(dir, 'marker')
    await writeFile(join(dir, 'ups.dev'), 'ups.status: OL\nbattery.charge: 100\n')
    await writeFile(
      join(dir, 'power.rules'),
      [
        'when ups.status has OB {',
        '  notify "{ups} is on battery at {battery.charge} %"',
        `  exec ["/bin/sh", "-c", "echo $UPSNAME > ${marker}"]`,
        '}',
        '',
      ].join('\n'),
    )
    const config: BrokerConfig = {
      configDir: dir,
      source: { kind: 'yaml', file: join(dir, 'nutshell.yaml') },
      devices: [{ name: 'rack', driver: 'dummy-ups', port: 'ups.dev', options: {}, flags: [] }],
      server: testServerConfig({ listen: [{ host: '127.0.0.1', port: 0 }], statePath: dir }),
      users: [],
      rules: { files: [join(dir, 'power.rules')], notifyWebhooks: [url] },
    }
    const broker: Broker = await startBroker(config)
    cleanups.push(() => broker.stop())
    await waitFor(() => broker.store.get('rack')?.getValue('battery.charge') === '100', {
      what: 'the dummy data',
    })
    assert.equal(received.length, 0)
    assert.equal(existsSync(marker), false)

    // The dummy-ups data file changes, as an operator (or a real UPS) would change it.
    await writeFile(join(dir, 'ups.dev'), 'ups.status: OB DISCHRG\nbattery.charge: 93\n')
    await waitFor(() => received.length > 0 && existsSync(marker), {
      what: 'the webhook and the marker file',
      timeoutMs: 15_000,
    })
    assert.deepEqual(
      { ...received[0]?.body, time: undefined },
      { device: 'rack', event: 'RULE', text: 'rack is on battery at 93 %', time: undefined },
    )
    assert.equal((await readFile(marker, 'utf8')).trim(), 'rack')
  })

  it('hibernates through the monitor when a rule says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-hibernate-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const port = await freePort()
    const slept = join(dir, 'slept')
    await writeFile(join(dir, 'ups.dev'), 'ups.status: OL\n')
    await writeFile(join(dir, 'power.rules'), 'on ONBATT { hibernate }\n')
    const config: BrokerConfig = {
      configDir: dir,
      source: { kind: 'yaml', file: join(dir, 'nutshell.yaml') },
      devices: [{ name: 'rack', driver: 'dummy-ups', port: 'ups.dev', options: {}, flags: [] }],
      server: testServerConfig({ listen: [{ host: '127.0.0.1', port }], statePath: dir }),
      users: [],
      monitor: monitorConfig(
        [
          {
            system: `rack@localhost:${port}`,
            ups: 'rack',
            host: 'localhost',
            port,
            powerValue: 1,
            user: '',
            password: '',
            role: 'primary',
          },
        ],
        { hibernateCommand: { argv: ['/bin/sh', '-c', `echo hibernated > ${slept}`] } },
      ),
      rules: { files: [join(dir, 'power.rules')] },
    }
    const broker = await startBroker(config)
    cleanups.push(() => broker.stop())
    const notes: string[] = []
    broker.monitor?.monitor.events.on('notify', (n) => notes.push(n.type))
    await writeFile(join(dir, 'ups.dev'), 'ups.status: OB DISCHRG\n')
    await waitFor(() => notes.includes('SUSPEND_FINISHED'), {
      what: 'the hibernation',
      timeoutMs: 15_000,
    })
    assert.equal((await readFile(slept, 'utf8')).trim(), 'hibernated')
    assert.deepEqual(
      notes.filter((n) => n.startsWith('SUSPEND')),
      ['SUSPEND_STARTING', 'SUSPEND_FINISHED'],
    )
    assert.equal(broker.monitor?.monitor.shuttingDown, false)
  })
})
