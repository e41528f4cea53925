import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { RunRequest, RunResult } from '../actions/run-command.ts'
import { silentLogger } from '../core/log.ts'
import { ManualClock } from '../core/manual-clock.ts'
import { Dispatcher } from './dispatch.ts'
import type { HelperSettings } from './helper-config.ts'
import { RateLimit } from './rate-limit.ts'

/** A runner that records what it was asked to run (the real one is tested on its own). */
class RecordingRunner {
  readonly runs: RunRequest[] = []
  async run(request: RunRequest): Promise<RunResult> {
    this.runs.push(request)
    return { code: 0, signal: null, stdout: '', stderr: '', droppedBytes: 0, timedOut: false }
  }
  async idle(): Promise<void> {}
}

function setup(settings: Partial<HelperSettings> = {}) {
  const clock = new ManualClock()
  const notify = new RecordingRunner()
  const power = new RecordingRunner()
  const rates = { power: new RateLimit(clock, 2, 0.2), notify: new RateLimit(clock, 10, 2) }
  const dispatcher = new Dispatcher({
    settings: {
      shutdownCommand: { shell: '/sbin/shutdown -h now' },
      notifyCommand: { argv: ['/usr/local/bin/notify'] },
      notifyFlags: { ONBATT: ['SYSLOG', 'EXEC'], SHUTDOWN: ['EXEC'] },
      notifyMessages: { ONBATT: 'on battery: %s' },
      systems: new Set(['ups@localhost']),
      user: 'nut',
      ...settings,
    },
    runners: { notify, power },
    rates,
    log: silentLogger(),
  })
  return { clock, notify, power, rates, dispatcher }
}

describe('the helper dispatcher', () => {
  it('runs NOTIFYCMD with its own message, NOTIFYTYPE and UPSNAME, per its own flags', () => {
    const { dispatcher, notify } = setup()
    dispatcher.handle({ kind: 'notify', notifyType: 'ONBATT', name: 'ups@localhost' })
    dispatcher.handle({ kind: 'notify', notifyType: 'LOWBATT', name: 'ups@localhost' }) // no EXEC
    dispatcher.handle({ kind: 'notify', notifyType: 'ONBATT', name: 'other@localhost' }) // not ours
    dispatcher.handle({ kind: 'notify', notifyType: 'SHUTDOWN', name: 'ups@localhost' }) // host-wide
    dispatcher.handle({ kind: 'notify', notifyType: 'SHUTDOWN', name: '' })
    assert.deepEqual(
      notify.runs.map((r) => [r.args, r.env]),
      [
        [['on battery: ups@localhost'], { NOTIFYTYPE: 'ONBATT', UPSNAME: 'ups@localhost' }],
        [['Auto logout and shutdown proceeding'], { NOTIFYTYPE: 'SHUTDOWN', UPSNAME: '' }],
      ],
    )
    assert.deepEqual(dispatcher.counts, { carriedOut: 2, refused: 2, ignored: 1 })
  })

  it('runs SHUTDOWNCMD once, after the flag, and nothing after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-dispatch-'))
    try {
      const flag = join(dir, 'killpower')
      const { dispatcher, power } = setup({ powerDownFlag: flag })
      dispatcher.handle({ kind: 'power', request: 'powerdown-flag', name: '' })
      dispatcher.handle({ kind: 'power', request: 'shutdown', name: '' })
      await dispatcher.shutdown
      dispatcher.handle({ kind: 'power', request: 'shutdown', name: '' })
      dispatcher.handle({ kind: 'power', request: 'hibernate', name: '' })
      assert.equal(power.runs.length, 1)
      assert.equal(power.runs[0]?.label, 'SHUTDOWNCMD')
      assert.equal(await readFile(flag, 'utf8'), 'upsmon-shutdown-file')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('drops what exceeds the rate, and lets it through again as time passes', () => {
    const { dispatcher, notify, rates, clock } = setup()
    for (let i = 0; i < 100; i++)
      dispatcher.handle({ kind: 'notify', notifyType: 'ONBATT', name: 'ups@localhost' })
    assert.equal(notify.runs.length, 10)
    assert.equal(rates.notify.dropped, 90)
    clock.advance(1000)
    for (let i = 0; i < 100; i++)
      dispatcher.handle({ kind: 'notify', notifyType: 'ONBATT', name: 'ups@localhost' })
    assert.equal(notify.runs.length, 12)
  })

  it('refuses suspend without a road and never runs an unset command', () => {
    const { dispatcher, power } = setup({ shutdownCommand: undefined })
    dispatcher.handle({ kind: 'power', request: 'suspend', name: '' })
    assert.equal(dispatcher.counts.refused, 1)
    assert.equal(power.runs.length, 0)
  })
})
