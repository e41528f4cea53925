import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseSystemName } from './system-name.ts'
import { defaultUpsmonConf, parseUpsmonConf } from './upsmon-conf.ts'

describe('upsmon.conf', () => {
  it('has NUT defaults', () => {
    const { conf } = parseUpsmonConf('MONITOR ups 1 u p primary\n')
    assert.deepEqual({ ...conf, monitors: [] }, defaultUpsmonConf())
    assert.equal(conf.pollFreq, 5)
    assert.equal(conf.deadTime, 15)
    assert.equal(conf.rbWarnTime, 43200)
  })

  it('reads every directive', () => {
    const { conf, diagnostics } = parseUpsmonConf(
      [
        'MONITOR dummy@127.0.0.1:23493 1 monp p@ssw0rd primary',
        'MONITOR other@[::1]:3494 2 mons secpass slave',
        'MONITOR local 0 u p master',
        'MINSUPPLIES 2',
        'SHUTDOWNCMD "/sbin/shutdown -h +0"',
        'NOTIFYCMD /usr/bin/env ROLE=x /bin/notify',
        'NOTIFYFLAG onbatt SYSLOG+EXEC',
        'NOTIFYFLAG LOWBATT IGNORE',
        'NOTIFYMSG ONLINE "UPS %s on line power"',
        'POLLFREQ 2',
        'POLLFREQALERT 1',
        'DEADTIME 6',
        'HOSTSYNC 8',
        'FINALDELAY 1',
        'POWERDOWNFLAG /run/killpower',
        'RBWARNTIME 100',
        'NOCOMMWARNTIME 10',
        'OFFDURATION -1',
        'OVERDURATION 60',
        'OBLBDURATION 3',
        'ALARMCRITICAL 0',
        'SHUTDOWNEXIT 30',
        'RUN_AS_USER nobody',
        'CERTPATH /etc/nut/cert',
        'CERTIDENT "my monitor" secret',
        'CERTHOST localhost "My server" 1 0',
        'CERTVERIFY 1',
        'FORCESSL 0',
        'debug_min 3',
        'POLLFAIL_LOG_THROTTLE_MAX 10',
      ].join('\n'),
    )
    // The unquoted multi-word NOTIFYCMD is read as NUT master reads it, with a warning.
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code, d.line, d.column]),
      [['warning', 'extra-words', 6, 24]],
    )
    assert.match(diagnostics[0]?.message ?? '', /upsmon 2.8.0 runs only '\/usr\/bin\/env'/)
    assert.deepEqual(
      conf.monitors.map((m) => [
        m.system,
        m.ups,
        m.host,
        m.port,
        m.powerValue,
        m.user,
        m.password,
        m.role,
      ]),
      [
        ['dummy@127.0.0.1:23493', 'dummy', '127.0.0.1', 23493, 1, 'monp', 'p@ssw0rd', 'primary'],
        ['other@[::1]:3494', 'other', '::1', 3494, 2, 'mons', 'secpass', 'secondary'],
        ['local', 'local', 'localhost', 3493, 0, 'u', 'p', 'primary'],
      ],
    )
    assert.equal(conf.minSupplies, 2)
    assert.equal(conf.shutdownCmd, '/sbin/shutdown -h +0')
    assert.equal(conf.notifyCmd, '/usr/bin/env ROLE = x /bin/notify')
    assert.deepEqual(conf.notifyFlags, { ONBATT: ['SYSLOG', 'EXEC'], LOWBATT: ['IGNORE'] })
    assert.deepEqual(conf.notifyMessages, { ONLINE: 'UPS %s on line power' })
    assert.equal(conf.pollFreq, 2)
    assert.equal(conf.pollFreqAlert, 1)
    assert.equal(conf.deadTime, 6)
    assert.equal(conf.hostSync, 8)
    assert.equal(conf.finalDelay, 1)
    assert.equal(conf.powerDownFlag, '/run/killpower')
    assert.equal(conf.rbWarnTime, 100)
    assert.equal(conf.noCommWarnTime, 10)
    assert.equal(conf.offDuration, -1)
    assert.equal(conf.overDuration, 60)
    assert.equal(conf.obLbDuration, 3)
    assert.equal(conf.alarmCritical, false)
    assert.equal(conf.shutdownExit, 30)
    assert.equal(conf.runAsUser, 'nobody')
    assert.equal(conf.certPath, '/etc/nut/cert')
    assert.deepEqual(conf.certIdent, { name: 'my monitor', password: 'secret' })
    assert.deepEqual(conf.certHosts, [
      { host: 'localhost', certName: 'My server', verify: true, force: false },
    ])
    assert.equal(conf.certVerify, true)
    assert.equal(conf.forceSsl, false)
    assert.equal(conf.debugMin, 3)
    assert.equal(conf.pollFailLogThrottleMax, 10)
  })

  it('reports mistakes', () => {
    const { conf, diagnostics } = parseUpsmonConf(
      [
        'MONITOR ups@host 1 pass master',
        'MONITOR ups@host x u p primary',
        'MONITOR ups@host 1 u p boss',
        'MONITOR ups@host:abc 1 u p primary',
        'MONITOR a@h 1 u p primary',
        'MONITOR a@h 1 u p secondary',
        'POLLFREQ fast',
        'NOTIFYFLAG ONBAT SYSLOG',
        'NOTIFYFLAG ONLINE SYSLOG+wall',
        'Pollfreq 3',
        'SHUTDOWNEXIT maybe',
        'FINALDELAY',
      ].join('\n'),
    )
    assert.equal(conf.monitors.length, 1)
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code, d.line, d.column]),
      [
        ['error', 'missing-value', 1, 1],
        ['error', 'bad-number', 2, 18],
        ['error', 'bad-value', 3, 24],
        ['error', 'bad-value', 4, 9],
        ['warning', 'duplicate', 6, 9],
        ['error', 'bad-number', 7, 10],
        ['warning', 'bad-value', 8, 12],
        ['warning', 'bad-value', 9, 19],
        ['warning', 'unknown-directive', 10, 1],
        ['error', 'bad-value', 11, 14],
        ['error', 'missing-value', 12, 1],
      ],
    )
    assert.match(diagnostics[0]?.message ?? '', /old form/)
    assert.match(diagnostics[6]?.advice ?? '', /did you mean 'ONBATT'/)
    assert.match(diagnostics[7]?.advice ?? '', /did you mean 'WALL'/)
    assert.deepEqual(conf.notifyFlags, { ONLINE: ['SYSLOG'] })
  })

  it('warns when the power values cannot reach MINSUPPLIES', () => {
    const empty = parseUpsmonConf('')
    assert.deepEqual(
      empty.diagnostics.map((d) => d.code),
      ['insufficient-power'],
    )
    const low = parseUpsmonConf('MONITOR a 1 u p primary\nMINSUPPLIES 2\n')
    assert.deepEqual(
      low.diagnostics.map((d) => [d.severity, d.code]),
      [['warning', 'insufficient-power']],
    )
  })
})

describe('system names', () => {
  it('splits ups@host:port', () => {
    assert.deepEqual(parseSystemName('ups'), {
      ok: true,
      value: {
        ups: 'ups',
        host: 'localhost',
        port: 3493,
        explicitHost: false,
        explicitPort: false,
      },
    })
    const ok = (s: string) => {
      const r = parseSystemName(s)
      return r.ok ? [r.value.ups, r.value.host, r.value.port] : r.reason
    }
    assert.deepEqual(ok('ups@h'), ['ups', 'h', 3493])
    assert.deepEqual(ok('ups@h:1'), ['ups', 'h', 1])
    assert.deepEqual(ok('ups@[::1]:23'), ['ups', '::1', 23])
    assert.deepEqual(ok('ups@::1'), ['ups', '::1', 3493])
    assert.match(String(ok('@h')), /empty/)
    assert.match(String(ok('u@h:0')), /range/)
    assert.match(String(ok('u@[::1')), /not closed/)
  })
})
