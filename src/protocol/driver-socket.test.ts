import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  encodeSocketMessage,
  encodeSocketMessages,
  isDriverToServer,
  parseSocketLine,
  type SocketMessage,
} from './driver-socket.ts'
import { CollectingSink, LineFramer } from './line-framer.ts'

function parsed(line: string): SocketMessage {
  const result = parseSocketLine(line)
  assert.ok(result.ok, `expected ${JSON.stringify(line)} to parse: ${JSON.stringify(result)}`)
  return result.message
}

function errorKind(line: string): string {
  const result = parseSocketLine(line)
  assert.ok(!result.ok, `expected ${JSON.stringify(line)} to fail`)
  return result.error.kind
}

describe('driver socket codec', () => {
  it('parses what dummy-ups sends on DUMPALL', () => {
    assert.deepEqual(parsed('SETINFO ups.id "quoted  two-space value"'), {
      type: 'SETINFO',
      name: 'ups.id',
      value: 'quoted  two-space value',
    })
    assert.deepEqual(parsed('SETINFO ups.description "a \\"b\\" \\# c\\\\"'), {
      type: 'SETINFO',
      name: 'ups.description',
      value: 'a "b" # c\\',
    })
    assert.deepEqual(parsed('SETAUX ups.id 16'), { type: 'SETAUX', name: 'ups.id', aux: 16 })
    assert.deepEqual(parsed('SETFLAGS ups.id RW STRING'), {
      type: 'SETFLAGS',
      name: 'ups.id',
      flags: ['RW', 'STRING'],
    })
    assert.deepEqual(parsed('ADDRANGE input.transfer.low 160 180'), {
      type: 'ADDRANGE',
      name: 'input.transfer.low',
      min: 160,
      max: 180,
    })
    assert.deepEqual(parsed('ADDCMD load.off'), { type: 'ADDCMD', name: 'load.off' })
    assert.deepEqual(parsed('DUMPDONE\n'), { type: 'DUMPDONE' })
    assert.deepEqual(parsed('TRACKING abc-123 0'), { type: 'TRACKING', id: 'abc-123', code: 0 })
    assert.deepEqual(parsed('pong'), { type: 'PONG' })
    assert.deepEqual(parsed('OK Goodbye'), { type: 'OK', text: 'Goodbye' })
    assert.deepEqual(parsed('PID 4242'), { type: 'PID', pid: 4242 })
  })

  it('parses the requests upsd sends, in every valid form', () => {
    assert.deepEqual(parsed('SET ups.id "new id" TRACKING abc-123'), {
      type: 'SET',
      name: 'ups.id',
      value: 'new id',
      tracking: 'abc-123',
    })
    assert.deepEqual(parsed('SET ups.id "x"'), { type: 'SET', name: 'ups.id', value: 'x' })
    assert.deepEqual(parsed('INSTCMD load.off'), { type: 'INSTCMD', name: 'load.off' })
    assert.deepEqual(parsed('INSTCMD load.off 5'), {
      type: 'INSTCMD',
      name: 'load.off',
      parameter: '5',
    })
    assert.deepEqual(parsed('INSTCMD load.off TRACKING xyz'), {
      type: 'INSTCMD',
      name: 'load.off',
      tracking: 'xyz',
    })
    assert.deepEqual(parsed('INSTCMD load.off 5 TRACKING xyz'), {
      type: 'INSTCMD',
      name: 'load.off',
      parameter: '5',
      tracking: 'xyz',
    })
    assert.deepEqual(parsed('BROADCAST 0'), { type: 'BROADCAST', level: 0 })
    assert.deepEqual(parsed('GETPID'), { type: 'GETPID' })
  })

  it('refuses what upsd ignores, with a typed error', () => {
    assert.equal(errorKind(''), 'empty')
    assert.equal(errorKind('# nothing'), 'empty')
    assert.equal(errorKind('SETINFO ups.status'), 'missing-arguments')
    assert.equal(errorKind('ADDRANGE x 1'), 'missing-arguments')
    assert.equal(errorKind('ADDRANGE x a b'), 'bad-number')
    assert.equal(errorKind('HELLO world'), 'unknown-command')
    assert.equal(errorKind('SETINFO x "a#b"'), 'syntax')
    assert.equal(errorKind('SETINFO x "a\u0001b"'), 'syntax')
    assert.equal(errorKind('SET a b c'), 'bad-form')
    assert.equal(errorKind('INSTCMD load.off with space'), 'bad-form')
    assert.equal(errorKind('INSTCMD a b c d e f'), 'bad-form')
  })

  it('encodes as NUT does: values quoted and escaped, never a raw # inside quotes', () => {
    assert.equal(
      encodeSocketMessage({ type: 'SETINFO', name: 'ups.model', value: 'Model #1 "x" \\' }),
      'SETINFO ups.model "Model \\#1 \\"x\\" \\\\"',
    )
    assert.equal(
      encodeSocketMessage({ type: 'SETFLAGS', name: 'ups.id', flags: ['RW', 'STRING'] }),
      'SETFLAGS ups.id RW STRING',
    )
    assert.equal(
      encodeSocketMessage({ type: 'INSTCMD', name: 'load.off', parameter: 'a b', tracking: 'T1' }),
      'INSTCMD load.off "a b" TRACKING T1',
    )
    assert.equal(
      encodeSocketMessage({ type: 'SETINFO', name: 'x', value: 'line\nbreak' }),
      'SETINFO x "line break"',
    )
    assert.equal(encodeSocketMessages([{ type: 'PING' }, { type: 'DUMPALL' }]), 'PING\nDUMPALL\n')
    assert.equal(isDriverToServer({ type: 'PONG' }), true)
    assert.equal(isDriverToServer({ type: 'PING' }), false)
  })

  it('never throws, whatever the line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (line) => {
        const result = parseSocketLine(line)
        assert.equal(typeof result.ok, 'boolean')
      }),
      { numRuns: 2000 },
    )
  })

  it('round-trips every message through encode and parse', () => {
    // Control characters are replaced on the way out (they would break the framing), so
    // the round trip is exact for text without them.
    const text = fc
      .string({ unit: 'grapheme', maxLength: 40 })
      .map((s) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ''))
    const name = text.filter((s) => s.length > 0)
    const int = fc.integer({ min: -2147483648, max: 2147483647 })
    const id = fc.stringMatching(/^[A-Za-z0-9-]{1,36}$/)
    const message: fc.Arbitrary<SocketMessage> = fc.oneof(
      fc.record({ type: fc.constant('SETINFO' as const), name, value: text }),
      fc.record({ type: fc.constant('DELINFO' as const), name }),
      fc.record({ type: fc.constant('ADDENUM' as const), name, value: text }),
      fc.record({ type: fc.constant('DELENUM' as const), name, value: text }),
      fc.record({ type: fc.constant('ADDRANGE' as const), name, min: int, max: int }),
      fc.record({ type: fc.constant('DELRANGE' as const), name, min: int, max: int }),
      fc.record({ type: fc.constant('SETAUX' as const), name, aux: int }),
      fc.record({
        type: fc.constant('SETFLAGS' as const),
        name,
        flags: fc.array(name, { maxLength: 4 }),
      }),
      fc.record({ type: fc.constant('ADDCMD' as const), name }),
      fc.record({ type: fc.constant('DELCMD' as const), name }),
      fc.constantFrom<SocketMessage>(
        { type: 'DUMPDONE' },
        { type: 'DATAOK' },
        { type: 'DATASTALE' },
        { type: 'PONG' },
        { type: 'DUMPALL' },
        { type: 'PING' },
        { type: 'GETPID' },
        { type: 'LOGOUT' },
        { type: 'DUMPSTATUS' },
        { type: 'NOBROADCAST' },
        { type: 'OK', text: 'Goodbye' },
      ),
      fc.record({ type: fc.constant('TRACKING' as const), id, code: int }),
      fc.record({ type: fc.constant('PID' as const), pid: int }),
      fc.record({ type: fc.constant('BROADCAST' as const), level: int }),
      fc.record({ type: fc.constant('DUMPVALUE' as const), name }),
      fc.record(
        { type: fc.constant('SET' as const), name, value: text, tracking: id },
        { requiredKeys: ['type', 'name', 'value'] },
      ),
      fc.record(
        { type: fc.constant('INSTCMD' as const), name, parameter: text, tracking: id },
        { requiredKeys: ['type', 'name'] },
      ),
    )
    fc.assert(
      fc.property(message, (m) => {
        const line = encodeSocketMessage(m)
        assert.ok(!line.includes('\n'))
        assert.deepEqual(parsed(line), { ...m })
      }),
      { numRuns: 3000 },
    )
  })
})

describe('driver socket framing (the shared LineFramer, as the driver links use it)', () => {
  it('splits lines across chunks, skips an over-long line and reads on', () => {
    const framer = new LineFramer(10)
    const push = (chunk: string): Array<string | number> => {
      const items: Array<string | number> = []
      framer.push(chunk, { line: (l) => items.push(l), overflow: (n) => items.push(n) })
      return items
    }
    assert.deepEqual(push('PI'), [])
    assert.deepEqual(push('NG\nPO'), ['PING'])
    assert.deepEqual(push('NG\n'), ['PONG'])
    assert.deepEqual(push('0123456789abc'), [13])
    assert.equal(framer.pending, 0)
    assert.deepEqual(push('more junk\nDATAOK\n'), ['DATAOK'])
    assert.deepEqual(push('0123456789ab\nX\n'), [12, 'X'])
    const sink = new CollectingSink()
    framer.push('SETINFO a "1"\n', sink)
    assert.deepEqual(sink.lines, [])
    assert.deepEqual(sink.overflows, [13])
  })
})
