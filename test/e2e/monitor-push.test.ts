import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { Notification } from '../../src/actions/notifier.ts'
import { systemClock } from '../../src/core/clock.ts'
import { silentLogger } from '../../src/core/log.ts'
import { DeviceStore } from '../../src/devices/device-store.ts'
import { RemoteLink } from '../../src/monitor/remote-link.ts'
import { type RunningMonitor, startMonitor } from '../../src/monitor/start-monitor.ts'
import { createNutServer, type NutServer } from '../../src/server/nut-server.ts'
import { monitorConfig, RecordingShutdown, ups } from '../helpers/monitor-fakes.ts'
import { testServerConfig } from '../helpers/nut-server-fixture.ts'
import { freePort } from '../helpers/ports.ts'
import { waitFor } from '../helpers/wait.ts'

// A remote nutshell monitor against a nutshell server: the WATCH push extension makes a
// change arrive at once, although the monitor polls only every minute.
describe('monitor against a nutshell server (push extension)', () => {
  const store = new DeviceStore()
  let server: NutServer
  let port: number
  before(async () => {
    const device = store.add('ups1')
    device.setValue('ups.status', 'OL')
    device.setCommState('ok')
    port = await freePort()
    server = createNutServer({
      store,
      server: testServerConfig({ listen: [{ host: '127.0.0.1', port }] }),
      users: [
        {
          name: 'monp',
          password: 'pw',
          actions: ['FSD', 'LOGIN', 'PRIMARY'],
          instcmds: [],
          upsmon: 'primary',
        },
      ],
      log: silentLogger(),
    })
    await server.start()
  })
  after(async () => {
    await server.stop()
  })

  it('learns of OB and OB LB without polling, sets FSD and shuts down', async () => {
    const monitored = { ...ups('ups1'), host: '127.0.0.1', port, password: 'pw', user: 'monp' }
    monitored.system = `ups1@127.0.0.1:${port}`
    const config = monitorConfig([monitored], {
      pollFreqMs: 60_000,
      pollFreqAlertMs: 60_000,
      finalDelayMs: 0,
    })
    const shutdown = new RecordingShutdown()
    const log = silentLogger()
    let link: RemoteLink | undefined
    const notes: Notification[] = []
    let running: RunningMonitor | undefined
    try {
      running = await startMonitor({
        config,
        log,
        shutdownPort: shutdown,
        syslog: false,
        wall: false,
        linkFor: (m) => {
          link = new RemoteLink({ monitor: m, clock: systemClock, log })
          return link
        },
      })
      running.monitor.events.on('notify', (n) => notes.push(n))
      await waitFor(() => link?.mode === 'push', { what: 'WATCH accepted' })
      store.get('ups1')?.setValue('ups.status', 'OB DISCHRG')
      await waitFor(() => notes.some((n) => n.type === 'ONBATT'), { what: 'ONBATT pushed' })
      store.get('ups1')?.setValue('ups.status', 'OB LB')
      await waitFor(() => shutdown.shutdowns === 1, { what: 'SHUTDOWNCMD' })
      assert.equal(store.get('ups1')?.fsdLatched, true, 'the primary set FSD on the server')
      assert.deepEqual(
        notes.map((n) => n.type),
        ['ONBATT', 'LOWBATT', 'SHUTDOWN'],
      )
    } finally {
      await running?.stop()
    }
  })

  it('WATCH: a snapshot, then one PUSH line per change, until UNWATCH', async () => {
    const device = store.add('ups2')
    device.setValue('ups.status', 'OL CHRG')
    device.setCommState('ok')
    const socket = connect({ host: '127.0.0.1', port })
    socket.setEncoding('utf8')
    let received = ''
    socket.on('data', (d: string) => {
      received += d
    })
    await new Promise((resolve) => socket.once('connect', resolve))
    const lines = () => received.split('\n').filter((l) => l.length > 0)
    socket.write('WATCH ups2\n')
    await waitFor(() => lines().length >= 3, { what: 'snapshot' })
    device.setValue('battery.charge', '40')
    device.setCommState('stale')
    device.setCommState('ok')
    device.latchFsd()
    device.deleteVariable('battery.charge')
    await waitFor(() => lines().length >= 8, { what: 'pushes' })
    socket.write('UNWATCH ups2\n')
    await waitFor(() => lines().length >= 9, { what: 'UNWATCH reply' })
    device.setValue('ups.status', 'OB')
    socket.write('GET VAR ups2 ups.status\n')
    await waitFor(() => lines().length >= 10, { what: 'GET reply' })
    socket.destroy()
    assert.deepEqual(lines(), [
      'OK',
      'PUSH STATE ups2 OK',
      'PUSH VAR ups2 ups.status "OL CHRG"',
      'PUSH VAR ups2 battery.charge "40"',
      'PUSH STATE ups2 STALE',
      'PUSH STATE ups2 OK',
      'PUSH VAR ups2 ups.status "FSD OL CHRG"',
      'PUSH DEL ups2 battery.charge',
      'OK',
      'VAR ups2 ups.status "FSD OB"',
    ])
  })

  it('never pushes to a connection that did not ask, and WATCH checks its argument', async () => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.setEncoding('utf8')
    let received = ''
    socket.on('data', (d: string) => {
      received += d
    })
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write('GET VAR ups1 ups.status\n')
    await waitFor(() => received.includes('\n'), { what: 'reply' })
    store.get('ups1')?.setValue('battery.charge', '55')
    socket.write('WATCH nosuch\n')
    await waitFor(() => received.split('\n').length > 2, { what: 'second reply' })
    socket.destroy()
    assert.match(received, /^VAR ups1 ups.status "[^"]*"\nERR UNKNOWN-UPS\n$/)
  })
})
