import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseUpsdUsers } from './upsd-users.ts'

describe('upsd.users', () => {
  it('applies users as upsd does', () => {
    const { users, diagnostics } = parseUpsdUsers(
      [
        'ignored = before any section',
        '[admin]',
        '\tpassword = adminpass',
        '\tactions = set FSD',
        '\tinstcmds = ALL',
        '[monp]',
        '\tpassword = p@ssw0rd',
        '\tupsmon primary',
        '[mons]',
        '\tpassword = secpass',
        '\tupsmon = slave',
        '[viewer]',
        '\tpassword = viewpass',
        '\tpassword = second',
        '\tinstcmds = load.off',
        '\tinstcmds = Beeper.Toggle test.battery.start',
        '[Admin]',
        '\tpassword = other',
        '[admin]',
        '\tpassword = duplicate',
        '[nopass]',
        '\tactions = MASTER',
      ].join('\n'),
    )
    const byName = Object.fromEntries(users.map((u) => [u.name, u]))
    assert.deepEqual(Object.keys(byName), ['admin', 'monp', 'mons', 'viewer', 'Admin', 'nopass'])
    assert.deepEqual(byName['admin']?.actions, ['SET', 'FSD'])
    assert.deepEqual(byName['admin']?.instcmds, ['all'])
    assert.equal(byName['admin']?.password, 'adminpass')
    assert.deepEqual(byName['monp']?.actions, ['FSD', 'LOGIN', 'PRIMARY'])
    assert.equal(byName['monp']?.upsmon, 'primary')
    assert.deepEqual(byName['mons']?.actions, ['LOGIN'])
    assert.equal(byName['mons']?.upsmon, 'secondary')
    assert.equal(byName['viewer']?.password, 'viewpass')
    assert.deepEqual(byName['viewer']?.instcmds, [
      'load.off',
      'beeper.toggle',
      'test.battery.start',
    ])
    assert.deepEqual(byName['nopass']?.actions, ['PRIMARY'])
    assert.equal(byName['nopass']?.password, undefined)
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.line]),
      [
        ['outside-section', 1],
        ['duplicate', 14],
        ['duplicate', 19],
        ['no-password', 21],
      ],
    )
  })

  it('warns about unknown actions, keys and upsmon roles', () => {
    const { users, diagnostics } = parseUpsdUsers(
      '[u]\npassword = x\nactions = SET LOGN\npasword = y\nupsmon boss\nallowfrom = localhost\nupsmon =\n',
    )
    assert.deepEqual(users[0]?.actions, ['SET'])
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code, d.line, d.column]),
      [
        ['warning', 'bad-value', 3, 15],
        ['warning', 'unknown-key', 4, 1],
        ['error', 'bad-value', 5, 8],
        ['warning', 'obsolete', 6, 1],
        ['warning', 'missing-value', 7, 1],
      ],
    )
    assert.match(diagnostics[0]?.advice ?? '', /did you mean 'LOGIN'/)
    assert.match(diagnostics[1]?.advice ?? '', /did you mean 'password'/)
  })
})
