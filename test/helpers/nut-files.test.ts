import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { UserConfig } from '../../src/config/types.ts'
import { parseUpsdUsers } from '../../src/protocol/nut-config/upsd-users.ts'
import { upsdUsersFile } from './nut-files.ts'
import { sampleUsers } from './nut-server-fixture.ts'

/** What a user grants, without where the reader found it and in one order. */
type Granted = Pick<UserConfig, 'name' | 'actions' | 'instcmds'> & {
  password?: string | undefined
  upsmon?: UserConfig['upsmon'] | undefined
}
const granted = (users: readonly Granted[]) =>
  users.map(({ name, password, actions, instcmds, upsmon }) => ({
    name,
    password,
    actions: [...actions].sort(),
    instcmds,
    upsmon,
  }))

describe('upsdUsersFile', () => {
  it('writes the sample users so that the reader gives them back', () => {
    const { users, diagnostics } = parseUpsdUsers(upsdUsersFile(sampleUsers))
    // `nopass` is there to have no password; that is all the reader remarks on.
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['no-password'],
    )
    assert.deepEqual(granted(users), granted(sampleUsers))
  })

  it('quotes a password that is not one plain word', () => {
    const user: UserConfig = { name: 'u', password: 'a "b" \\ c=d', actions: [], instcmds: [] }
    assert.deepEqual(granted(parseUpsdUsers(upsdUsersFile([user])).users), granted([user]))
  })
})
