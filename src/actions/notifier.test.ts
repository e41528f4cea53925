import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CommandRunner } from '../actions/run-command.ts'
import { systemClock } from '../core/clock.ts'
import { silentLogger } from '../core/log.ts'
import { Notifier } from './notifier.ts'
import { flagsFor, messageFor } from './notify-messages.ts'

describe('notify flags and messages', () => {
  it('uses SYSLOG+WALL by default, SYSLOG only for calibration, nothing with IGNORE', () => {
    assert.deepEqual(flagsFor('ONBATT', {}), ['SYSLOG', 'WALL'])
    assert.deepEqual(flagsFor('CAL', {}), ['SYSLOG'])
    assert.deepEqual(flagsFor('ONBATT', { ONBATT: ['EXEC'] }), ['EXEC'])
    assert.deepEqual(flagsFor('ONBATT', { ONBATT: ['SYSLOG', 'IGNORE'] }), [])
  })

  it('fills %s with the system string, and a second %s with the detail', () => {
    assert.equal(messageFor('ONBATT', 'ups@h', {}), 'UPS ups@h on battery')
    assert.equal(
      messageFor('ALARM', 'u', { ALARM: 'UPS %s alarm: %s' }, 'Fan fail'),
      'UPS u alarm: Fan fail',
    )
    assert.equal(messageFor('SHUTDOWN', '', {}), 'Auto logout and shutdown proceeding')
  })
})

describe('Notifier', () => {
  it('delivers each flag of the type through its channel', async () => {
    const log = silentLogger()
    const syslog: string[] = []
    const wall: string[] = []
    const notifier = new Notifier({
      log,
      runner: new CommandRunner({ clock: systemClock, log }),
      notifyCommand: { shell: 'printf "%s %s" "$NOTIFYTYPE" "$UPSNAME"' },
      notifyFlags: { ONBATT: ['SYSLOG', 'WALL', 'EXEC'], LOWBATT: ['IGNORE'] },
      notifyMessages: {},
      syslog: (m) => syslog.push(m),
      wall: (m) => wall.push(m),
    })
    const n = notifier.notify('ONBATT', 'ups@h')
    notifier.notify('LOWBATT', 'ups@h')
    await notifier.settled()
    assert.equal(n.message, 'UPS ups@h on battery')
    assert.deepEqual(syslog, ['UPS ups@h on battery'])
    assert.deepEqual(wall, ['UPS ups@h on battery'])
  })
})
