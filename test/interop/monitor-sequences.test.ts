import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import type { Notification } from '../../src/actions/notifier.ts'
import type { MonitorConfig } from '../../src/config/types.ts'
import { silentLogger } from '../../src/core/log.ts'
import { startMonitor } from '../../src/monitor/start-monitor.ts'
import { monitorConfig, RecordingShutdown } from '../helpers/monitor-fakes.ts'
import { nutBinaries, type RealNut, startRealNut } from '../helpers/nut-peer.ts'
import { run } from '../helpers/processes.ts'
import { waitFor } from '../helpers/wait.ts'
import { users } from './monitor-support.ts'

// The monitor's shutdown rules against real upsd 2.8.0 + two dummy-ups, with timers
// compressed through the configuration (milliseconds here).

async function set(nut: RealNut, ups: string, status: string): Promise<void> {
  const r = await run(nutBinaries.upsrw, [
    '-s',
    `ups.status=${status}`,
    '-u',
    'admin',
    '-p',
    'adminpass',
    `${ups}@127.0.0.1:${nut.port}`,
  ])
  assert.equal(r.code, 0, r.stderr)
  // The driver applies a SET on its own schedule (sometimes a second later).
  await waitFor(
    async () => {
      const args = [`${ups}@127.0.0.1:${nut.port}`, 'ups.status']
      const shown = (await run(nutBinaries.upsc, args)).stdout.trim()
      return shown === status || shown === `FSD ${status}`
    },
    { what: `${ups} status ${status}` },
  )
}

function monitored(nut: RealNut, ups: string, role: 'primary' | 'secondary' = 'primary') {
  const [user, password] = role === 'primary' ? ['monp', 'primarypass'] : ['mons', 'secpass']
  return {
    system: `${ups}@127.0.0.1:${nut.port}`,
    ups,
    host: '127.0.0.1',
    port: nut.port,
    powerValue: 1,
    user,
    password,
    role,
  }
}

async function watch(config: MonitorConfig) {
  const shutdown = new RecordingShutdown()
  const notes: Notification[] = []
  const running = await startMonitor({
    config,
    log: silentLogger(),
    shutdownPort: shutdown,
    syslog: false,
    wall: false,
  })
  running.monitor.events.on('notify', (n) => notes.push(n))
  const seen = (type: string, ups?: string) =>
    notes.some((n) => n.type === type && (ups === undefined || n.upsName.startsWith(`${ups}@`)))
  return { running, shutdown, notes, seen }
}

const fast = { pollFreqMs: 200, pollFreqAlertMs: 200, finalDelayMs: 0 }

describe('monitor shutdown rules against real upsd', { concurrency: 1 }, () => {
  let nut: RealNut
  before(async () => {
    nut = await startRealNut(
      {
        'ups.conf':
          '[ups1]\n\tdriver = dummy-ups\n\tport = a.dev\n[ups2]\n\tdriver = dummy-ups\n\tport = b.dev\n',
        'a.dev': 'ups.status: OL\n',
        'b.dev': 'ups.status: OL\n',
        'upsd.users': users,
      },
      ['ups1', 'ups2'],
    )
    // dummy-ups makes its variables writable only after its first update.
    for (const ups of ['ups1', 'ups2']) {
      await waitFor(
        async () =>
          (
            await run(nutBinaries.upsrw, [
              '-s',
              'ups.status=OL',
              '-u',
              'admin',
              '-p',
              'adminpass',
              `${ups}@127.0.0.1:${nut.port}`,
            ])
          ).code === 0,
        { what: `${ups} writable` },
      )
    }
  })
  after(async () => {
    await nut?.stop()
  })

  it('MINSUPPLIES 1 of two UPSes: one on low battery is not enough, two are', async () => {
    // Secondary: sets no FSD on the real upsd (FSD stays latched until upsd restarts).
    const config = monitorConfig(
      [monitored(nut, 'ups1', 'secondary'), monitored(nut, 'ups2', 'secondary')],
      {
        ...fast,
        minSupplies: 1,
        hostSyncMs: 0,
      },
    )
    const m = await watch(config)
    try {
      await set(nut, 'ups1', 'OB LB')
      await waitFor(() => m.seen('LOWBATT', 'ups1'), { what: 'LOWBATT ups1' })
      await delay(800)
      assert.equal(m.shutdown.shutdowns, 0, 'ups2 still supplies enough')
      await set(nut, 'ups2', 'OB LB')
      await waitFor(() => m.shutdown.shutdowns === 1, { what: 'shutdown' })
    } finally {
      await m.running.stop()
      await set(nut, 'ups1', 'OL')
      await set(nut, 'ups2', 'OL')
    }
  })

  it('MINSUPPLIES 2 of two UPSes: one on low battery is enough', async () => {
    const config = monitorConfig(
      [monitored(nut, 'ups1', 'secondary'), monitored(nut, 'ups2', 'secondary')],
      {
        ...fast,
        minSupplies: 2,
        hostSyncMs: 0,
      },
    )
    const m = await watch(config)
    try {
      await set(nut, 'ups2', 'OB LB')
      await waitFor(() => m.shutdown.shutdowns === 1, { what: 'shutdown' })
      assert.ok(m.seen('LOWBATT', 'ups2'))
      assert.ok(!m.seen('ONBATT', 'ups1'))
    } finally {
      await m.running.stop()
      await set(nut, 'ups2', 'OL')
    }
  })

  it('HOSTSYNC: a primary waits for a secondary that never logs out, then shuts down', async () => {
    // A "secondary" that logs in and then never leaves nor answers anything.
    const stuck: Socket = connect({ host: '127.0.0.1', port: nut.port })
    await new Promise((resolve) => stuck.once('connect', resolve))
    stuck.setEncoding('utf8')
    let replies = ''
    stuck.on('data', (d: string) => {
      replies += d
    })
    stuck.write('USERNAME mons\nPASSWORD secpass\nLOGIN ups2\n')
    await waitFor(() => replies.split('\n').length > 3, { what: 'stuck secondary logged in' })
    const config = monitorConfig([monitored(nut, 'ups2', 'primary')], {
      ...fast,
      hostSyncMs: 1_500,
    })
    const m = await watch(config)
    try {
      await set(nut, 'ups2', 'OB LB')
      await waitFor(() => m.seen('SHUTDOWN_HOSTSYNC'), { what: 'SHUTDOWN_HOSTSYNC' })
      assert.equal(m.shutdown.shutdowns, 0, 'waiting for the secondary')
      await waitFor(() => m.shutdown.shutdowns === 1, { what: 'shutdown after HOSTSYNC' })
      assert.deepEqual(
        m.notes.map((n) => n.type),
        ['ONBATT', 'LOWBATT', 'SHUTDOWN_HOSTSYNC', 'SHUTDOWN'],
      )
      assert.equal(stuck.destroyed, false, 'the secondary never left')
      const fsd = await run(nutBinaries.upsc, [`ups2@127.0.0.1:${nut.port}`, 'ups.status'])
      assert.match(fsd.stdout, /^FSD /, 'the primary set FSD on the real upsd')
    } finally {
      stuck.destroy()
      await m.running.stop()
    }
  })

  // Last: it stops upsd.
  it('comm lost while on battery: shutdown after DEADTIME, never before', async () => {
    const config = monitorConfig([monitored(nut, 'ups1', 'secondary')], {
      ...fast,
      deadTimeMs: 1_000,
      hostSyncMs: 0,
    })
    const m = await watch(config)
    try {
      await set(nut, 'ups1', 'OB')
      await waitFor(() => m.seen('ONBATT', 'ups1'), { what: 'ONBATT' })
      await delay(600)
      assert.equal(m.shutdown.shutdowns, 0)
      await nut.processes.stop('upsd')
      await waitFor(() => m.seen('COMMBAD', 'ups1'), { what: 'COMMBAD' })
      await waitFor(() => m.shutdown.shutdowns === 1, { what: 'shutdown after DEADTIME' })
      assert.deepEqual(
        m.notes.map((n) => n.type),
        ['ONBATT', 'COMMBAD', 'SHUTDOWN'],
      )
    } finally {
      await m.running.stop()
    }
  })
})
