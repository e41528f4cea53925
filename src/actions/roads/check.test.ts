import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type PrivateBus, startPrivateBus } from '../../../test/helpers/private-bus.ts'
import { checkRoads, renderRoadReports } from './check.ts'

describe('nutshell helper --check (checkRoads)', () => {
  let bus: PrivateBus
  let dir = ''
  before(async () => {
    bus = await startPrivateBus()
    await bus.startMock('logind', { CanHibernate: 'challenge', CanSuspend: 'na' })
    dir = await mkdtemp(join(tmpdir(), 'ns-check-'))
    execFileSync('mkfifo', [join(dir, 'initctl')])
  })
  after(async () => {
    await bus.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('reports logind with its Can* answers, the FIFO, and the socket path', async () => {
    const reports = await checkRoads({
      busAddress: bus.address,
      initctlPaths: [join(dir, 'initctl'), join(dir, 'absent')],
      socketPath: join(dir, 'helper.sock'),
    })
    const byName = new Map(reports.map((r) => [r.name, r]))
    assert.deepEqual(
      [...byName.keys()],
      ['bubblewrap', 'permission-model', 'logind', 'initctl', 'helper-socket', 'command'],
    )
    const logind = byName.get('logind')
    assert.equal(logind?.available, true)
    assert.deepEqual(logind?.facts.slice(0, 3), [
      'power-off: yes',
      'hibernate: challenge',
      'suspend: na',
    ])
    assert.deepEqual(byName.get('initctl')?.facts, [
      `${join(dir, 'initctl')}: a FIFO`,
      `${join(dir, 'absent')}: absent`,
    ])
    assert.equal(byName.get('initctl')?.available, true)
    assert.match(byName.get('helper-socket')?.facts.join('\n') ?? '', /helper\.sock: absent/)
    const text = renderRoadReports(reports)
    assert.match(text, /^\[yes\] logind$/m)
    assert.match(text, /-> opens .*initctl while root/)
  })

  it('says logind cannot be used when nothing answers on the bus', async () => {
    const reports = await checkRoads({
      busAddress: `unix:path=${join(dir, 'no-bus.sock')}`,
      initctlPaths: [join(dir, 'absent')],
    })
    const logind = reports.find((r) => r.name === 'logind')
    assert.equal(logind?.available, false)
    assert.match(logind?.facts[0] ?? '', /logind not reachable on the system bus/)
    assert.equal(reports.find((r) => r.name === 'initctl')?.available, false)
  })
})
