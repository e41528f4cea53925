import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { parseSsUnix, parseStatusUids } from './ss-unix.ts'

describe('ss -xpnH reader', () => {
  it('pairs a connection: own inode, peer inode, holders', () => {
    const text = [
      'u_str ESTAB 0      0                          * 709877 * 709878 users:(("node",pid=12243,fd=20))  ',
      'u_str ESTAB 0      0           /tmp/a b.sock 709878 * 709877 users:(("node",pid=12243,fd=21),("sh",pid=9,fd=3))',
      'u_str ESTAB 0      768    * 767395 * 0',
      'garbage',
    ].join('\n')
    assert.deepEqual(parseSsUnix(text), [
      { inode: 709877, peerInode: 709878, pids: [12243] },
      { inode: 709878, peerInode: 709877, pids: [12243, 9] },
      { inode: 767395, peerInode: 0, pids: [] },
    ])
  })

  it('reads the uids of /proc/PID/status', () => {
    const status =
      'Name:\tnode\nUid:\t65534\t65534\t65534\t65534\nGid:\t65534\t65534\t65534\t65534\n'
    assert.deepEqual(parseStatusUids(status), { real: 65534, effective: 65534 })
    assert.equal(parseStatusUids('Name: x\n'), undefined)
  })

  it('never throws on any text, and only returns safe integers', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        for (const entry of parseSsUnix(text)) {
          assert.ok(Number.isSafeInteger(entry.inode) && Number.isSafeInteger(entry.peerInode))
          for (const pid of entry.pids) assert.ok(Number.isSafeInteger(pid) && pid > 0)
        }
        parseStatusUids(text)
      }),
    )
  })
})
