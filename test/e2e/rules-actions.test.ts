import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { RulesSink } from '../../src/actions/rules-sink.ts'
import { CommandRunner } from '../../src/actions/run-command.ts'
import { systemClock } from '../../src/core/clock.ts'
import { silentLogger } from '../../src/core/log.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { startRules } from '../../src/rules/start-rules.ts'
import { waitFor } from '../helpers/wait.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

/**
 * End to end on real I/O: a device in a DeviceStore changes; the rules (read from a file)
 * send a notify that reaches a webhook receiver on 127.0.0.1, POST a webhook, and run a
 * program whose marker file appears, with UPSNAME and NOTIFYTYPE in its environment.
 */
describe('rules drive real actions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nutshell-rules-'))
  let receiver: WebhookReceiver

  before(async () => {
    receiver = await startWebhookReceiver()
  })
  after(async () => {
    await receiver.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('notify reaches the webhook receiver, webhook posts the event, exec leaves its marker', async () => {
    const marker = join(dir, 'marker')
    const rulesFile = join(dir, 'site.rules')
    const script =
      "require('fs').writeFileSync(process.argv[1], process.env.UPSNAME + ' ' + process.env.NOTIFYTYPE)"
    writeFileSync(
      rulesFile,
      `when ups.status has OB and battery.charge < 50 {
  notify "{ups} on battery at {battery.charge} %"
  webhook "${receiver.url}/hook"
}
on LOWBATT {
  exec [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(script)}, ${JSON.stringify(marker)}] timeout 10s
}
`,
    )
    const store = new DeviceStore()
    const device = store.add('ups1')
    device.setValue('ups.status', 'OL')
    device.setValue('battery.charge', '100')
    device.setCommState('ok')
    const log = silentLogger()
    const runner = new CommandRunner({ clock: systemClock, log })
    const sink = new RulesSink({
      clock: systemClock,
      log,
      store,
      runner,
      notifyWebhooks: [`${receiver.url}/notify`],
    })
    const rules = await startRules({ store, clock: systemClock, log, sink, files: [rulesFile] })
    try {
      device.setValue('ups.status', 'OB DISCHRG')
      device.setValue('battery.charge', '40')
      device.setValue('ups.status', 'OB DISCHRG LB')
      await waitFor(() => receiver.received.length >= 2 && existsSync(marker), {
        what: 'webhooks and marker',
      })
      await runner.idle()
      const notify = receiver.received.find((r) => r.path === '/notify')
      assert.equal(notify?.body?.['text'], 'ups1 on battery at 40 %')
      assert.equal(notify?.body?.['event'], 'RULE')
      assert.equal(notify?.body?.['device'], 'ups1')
      const hook = receiver.received.find((r) => r.path === '/hook')
      assert.equal(hook?.body?.['device'], 'ups1')
      assert.equal(hook?.body?.['status'], 'OB DISCHRG')
      assert.deepEqual(hook?.body?.['variables'], {
        'ups.status': 'OB DISCHRG',
        'battery.charge': '40',
      })
      assert.equal(readFileSync(marker, 'utf8'), 'ups1 LOWBATT')
    } finally {
      rules.stop()
    }
  })
})
