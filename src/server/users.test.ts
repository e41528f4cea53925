import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sampleUsers } from '../../test/helpers/nut-server-fixture.ts'
import { UserDirectory } from './users.ts'

describe('UserDirectory', () => {
  it('applies actions and instcmds as upsd does', () => {
    const users = new UserDirectory(sampleUsers)
    assert.equal(users.checkAction('admin', 'adminpass', 'SET'), 'granted')
    assert.equal(users.checkAction('admin', 'adminpass', 'LOGIN'), 'not-permitted')
    assert.equal(users.checkAction('monp', 'p@ssw0rd', 'PRIMARY'), 'granted')
    assert.equal(users.checkAction('mons', 'secpass', 'PRIMARY'), 'not-permitted')
    assert.equal(users.checkInstcmd('admin', 'adminpass', 'ANY.thing'), 'granted')
    assert.equal(users.checkInstcmd('cmdonly', 'cmdpass', 'LOAD.OFF'), 'granted')
    assert.equal(users.checkInstcmd('cmdonly', 'cmdpass', 'load.on'), 'not-permitted')
  })

  it('treats unknown users, wrong passwords and missing passwords alike', () => {
    const users = new UserDirectory(sampleUsers)
    assert.equal(users.checkAction('admin', 'Adminpass', 'SET'), 'bad-credentials')
    assert.equal(users.checkAction('Admin', 'adminpass', 'SET'), 'bad-credentials')
    assert.equal(users.checkAction('ghost', 'x', 'SET'), 'bad-credentials')
    assert.equal(users.checkAction('nopass', '', 'SET'), 'bad-credentials')
    assert.equal(users.checkAction(undefined, undefined, 'SET'), 'bad-credentials')
  })

  it('keeps the first of duplicate users and reloads', () => {
    const users = new UserDirectory([
      { name: 'a', password: 'one', actions: ['SET'], instcmds: [] },
      { name: 'a', password: 'two', actions: ['FSD'], instcmds: [] },
    ])
    assert.equal(users.checkAction('a', 'one', 'SET'), 'granted')
    assert.equal(users.checkAction('a', 'two', 'FSD'), 'bad-credentials')
    users.replace([{ name: 'a', password: 'two', actions: ['FSD'], instcmds: [] }])
    assert.equal(users.checkAction('a', 'two', 'FSD'), 'granted')
  })
})
