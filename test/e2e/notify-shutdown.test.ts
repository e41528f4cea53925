/**
 * A hanging notification channel does not delay the shutdown path: the in-process monitor
 * runs its real SHUTDOWNCMD on OB LB while the channel is still waiting for an answer
 * that never comes (its 30 s timeout has not fired when the command has run).
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { pino } from 'pino'
import { serviceChannels } from '../../src/actions/channels/index.ts'
import { notifySchema } from '../../src/config/schema/notify.ts'
import { systemClock } from '../../src/core/clock.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { startMonitor } from '../../src/monitor/start-monitor.ts'
import { monitorConfig } from '../helpers/monitor-fakes.ts'
import { waitFor } from '../helpers/wait.ts'
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts'

describe('a hanging channel and the shutdown path', () => {
  it('SHUTDOWNCMD runs while the channel still hangs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-notify-shutdown-'))
    const hanging = await startWebhookReceiver({ answer: false })
    const logs: Array<Record<string, unknown>> = []
    const log = pino(
      { level: 'debug' },
      { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) },
    )
    const store = new DeviceStore()
    const device = store.add('ups')
    device.setValue('ups.status', 'OL')
    device.setCommState('ok')
    const marker = join(dir, 'shutdown-ran')
    const channels = serviceChannels(
      notifySchema.parse({
        channels: [
          { name: 'dead', type: 'ntfy', url: hanging.url, topic: 'x', timeout: '30s', retries: 0 },
        ],
      }),
      { clock: systemClock, log, resolvePath: (p) => p },
    )
    const running = await startMonitor({
      config: monitorConfig(
        [
          {
            system: 'ups@localhost',
            ups: 'ups',
            host: 'localhost',
            port: 3493,
            powerValue: 1,
            user: '',
            password: '',
            role: 'primary',
          },
        ],
        {
          shutdownCommand: { argv: ['/usr/bin/touch', marker] },
          finalDelayMs: 0,
          shutdownExit: true,
        },
      ),
      store,
      log,
      syslog: false,
      wall: false,
      serviceChannels: channels,
    })
    try {
      device.setValue('ups.status', 'OB LB')
      await waitFor(() => existsSync(marker), { what: 'SHUTDOWNCMD', timeoutMs: 15_000 })
      const givenUp = logs.filter(
        (l) => l['channel'] === 'dead' && String(l['msg']).includes('given up'),
      )
      assert.deepEqual(givenUp, [], 'the channel had not timed out yet')
    } finally {
      await running.stop()
      await hanging.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
