import assert from 'node:assert/strict'
import { describe } from 'node:test'
import fc from 'fast-check'
import { encodeNisMessage, NisReader } from '../../src/protocol/apcupsd-nis/framing.ts'
import { nutFromReport, parseStatusReport } from '../../src/protocol/apcupsd-nis/report.ts'
import { assertBounded, chunked, fuzz, noisyText } from '../helpers/fuzz.ts'

// apcupsd's NIS face (src/protocol/apcupsd-nis): 2-byte length framing, and the status
// report a real apcupsd sends, read into NUT variables.
const maxLength = 512
const fields = [
  'APC      : ',
  'STATUS   : ',
  'STATFLAG : ',
  'LINEV    : ',
  'BCHARGE  : ',
  'TIMELEFT : ',
  'MODEL    : ',
  'UPSNAME  : ',
  'MBATTCHG : ',
  'MINTIMEL : ',
  'LASTXFER : ',
  'LOADPCT  : ',
  'ONLINE',
  'ONBATT',
  'LOWBATT',
  'SHUTTING DOWN',
  'COMMLOST',
  '0x05000008',
  '0x0xg',
  '230.0 Volts',
  '100.0 Percent',
  '12.5 Minutes',
  'Smart-UPS 1500',
  ':',
  '\n',
  ' ',
  '-1',
  'NaN',
  '1e309',
]

describe('fuzz: apcupsd NIS framing and reports', () => {
  fuzz(
    'any bytes: every message is the input exactly (header, then that many bytes), read the same however cut, never more than the limit held',
    fc.tuple(
      fc.uint8Array({ maxLength: 2000, size: 'medium' }),
      fc.array(fc.nat(), { maxLength: 10 }),
    ),
    ([bytes, cuts]) => {
      const reader = new NisReader(maxLength)
      const items = chunked(bytes, cuts).flatMap((chunk) => reader.push(chunk))
      let at = 0
      for (const item of items) {
        const length = ((bytes[at] ?? -1) << 8) | (bytes[at + 1] ?? -1)
        if (item.kind === 'end') assert.equal(length, 0)
        else if (item.kind === 'too-long') {
          assert.equal(item.length, length, 'the refused length is the one sent')
          assert.ok(length > maxLength)
          assert.ok(reader.broken)
        } else {
          assert.ok(item.bytes.length <= maxLength)
          assert.deepEqual(
            Array.from(item.bytes),
            Array.from(bytes.subarray(at + 2, at + 2 + length)),
            'a message is exactly the bytes that followed its header',
          )
        }
        at += 2 + (item.kind === 'message' ? item.bytes.length : 0)
      }
      assert.deepEqual(new NisReader(maxLength).push(bytes), items)
    },
  )

  fuzz(
    'framed messages come back as sent',
    fc.tuple(
      fc.array(fc.uint8Array({ maxLength }), { maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 10 }),
    ),
    ([messages, cuts]) => {
      const bytes = Uint8Array.from(messages.flatMap((m) => [...encodeNisMessage(m)]))
      const reader = new NisReader(maxLength)
      const items = chunked(bytes, cuts).flatMap((chunk) => reader.push(chunk))
      const expected = messages.map((m) =>
        m.length === 0 ? { kind: 'end' } : { kind: 'message', bytes: m },
      )
      assert.deepEqual(items, expected)
    },
  )

  fuzz(
    'a report never throws; each value is its record\u2019s own text; NUT variables bounded by the report',
    fc.array(noisyText(fields, 8), { maxLength: 40 }),
    (records) => {
      const report = parseStatusReport(records)
      assert.ok(report.size <= records.length)
      for (const [key, value] of report) {
        assert.ok(
          records.some((r) => r.includes(key) && r.includes(value)),
          `${key}: ${value} comes from a record`,
        )
      }
      const nut = nutFromReport(report)
      const input = records.reduce((sum, r) => sum + r.length, 0)
      assertBounded(nut, input, { base: 2048, perUnit: 8 })
    },
  )
})
