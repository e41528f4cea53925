import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { encodeNisMessage, NisReader, nisEnd } from './framing.ts'
import { formatStatusReport, type NisSnapshot, nutFromReport, parseStatusReport } from './report.ts'
import { nisStatusFromNut, nutStatusFromNis } from './status-flags.ts'

function snapshot(
  variables: Record<string, string>,
  extra: Partial<NisSnapshot> = {},
): NisSnapshot {
  return {
    upsName: 'myups',
    hostname: 'box',
    version: 'nutshell 0.1.0',
    variables: new Map(Object.entries(variables)),
    commLost: false,
    startTime: new Date('2026-12-04T03:59:01Z'),
    lastUpdate: new Date('2026-12-04T03:59:12Z'),
    now: new Date('2026-12-04T03:59:16Z'),
    utcOffsetMinutes: 0,
    transfers: { count: 0, onBatterySeconds: 0, cumulativeSeconds: 0 },
    thresholds: {},
    ...extra,
  }
}

const sample = {
  'ups.status': 'OL',
  'device.model': 'Smart-UPS 1500',
  'input.voltage': '230.4',
  'input.voltage.maximum': '232.1',
  'ups.load': '23',
  'battery.charge': '100',
  'battery.runtime': '3600',
  'battery.voltage': '27.3',
  'battery.voltage.nominal': '24',
  'ups.realpower.nominal': '980',
  'device.serial': 'AS1234567890',
}

describe('apcupsd NIS report', () => {
  it('writes apcupsd 3.14.14 records: 9-column keys, units, trailing spaces, counts', () => {
    const lines = formatStatusReport(snapshot(sample))
    const byKey = new Map(lines.map((l) => [l.slice(0, 9).trim(), l]))
    assert.equal(byKey.get('STATUS'), 'STATUS   : ONLINE \n')
    assert.equal(byKey.get('LINEV'), 'LINEV    : 230.4 Volts\n')
    assert.equal(byKey.get('LOADPCT'), 'LOADPCT  : 23.0 Percent\n')
    assert.equal(byKey.get('TIMELEFT'), 'TIMELEFT : 60.0 Minutes\n')
    assert.equal(byKey.get('NOMPOWER'), 'NOMPOWER : 980 Watts\n')
    assert.equal(byKey.get('STATFLAG'), 'STATFLAG : 0x05000008\n')
    assert.equal(byKey.get('XOFFBATT'), 'XOFFBATT : N/A\n')
    assert.equal(byKey.get('DATE'), 'DATE     : 2026-12-04 03:59:12 +0000  \n')
    assert.equal(lines.at(-1), 'END APC  : 2026-12-04 03:59:16 +0000  \n')
    const [count, bytes] = (lines[0] as string).slice(11, -1).split(',').slice(1).map(Number)
    assert.equal(count, lines.length - 1)
    assert.equal(bytes, lines.slice(1).join('').length)
    for (const line of lines) {
      assert.ok(line.length < 256)
      assert.equal(line[9], ':')
    }
    // apcupsd's slaves find keys by substring, first occurrence wins.
    const text = lines.join('')
    assert.ok(text.indexOf('LINEV') < text.indexOf('MAXLINEV'))
    assert.ok(text.indexOf('BATTV') < text.indexOf('NOMBATTV'))
  })

  it('signals FSD as apcupsd masters signal a shutdown (bit 0x200)', () => {
    const lines = formatStatusReport(snapshot({ ...sample, 'ups.status': 'FSD OL' }))
    assert.ok(lines.includes('STATUS   : SHUTTING DOWN\n'))
    assert.ok(lines.includes('STATFLAG : 0x05000208\n'))
    const lost = formatStatusReport(snapshot(sample, { commLost: true }))
    assert.ok(lost.includes('STATUS   : COMMLOST \n'))
  })

  it('prints local dates with the offset, and never lets a value forge a record', () => {
    const lines = formatStatusReport(
      snapshot({ ...sample, 'device.model': 'evil\nSTATUS   : ONBATT' }, { utcOffsetMinutes: -90 }),
    )
    assert.ok(lines.includes('DATE     : 2026-12-04 02:29:12 -0130  \n'))
    assert.equal(lines.filter((l) => l.startsWith('STATUS')).length, 1)
  })

  it('reads its own report back into the NUT variables it came from', () => {
    const parsed = nutFromReport(parseStatusReport(formatStatusReport(snapshot(sample))))
    for (const name of [
      'input.voltage',
      'battery.charge',
      'battery.runtime',
      'battery.voltage',
      'device.model',
      'device.serial',
    ]) {
      assert.equal(
        Number(parsed.variables.get(name)) || parsed.variables.get(name),
        Number(sample[name as keyof typeof sample]) || sample[name as keyof typeof sample],
        name,
      )
    }
    assert.equal(parsed.variables.get('ups.status'), 'OL')
    assert.equal(parsed.variables.get('ups.mfr'), 'APC')
  })

  it('maps every NUT flag combination through STATUS/STATFLAG and back', () => {
    const flags = ['OL', 'OB', 'LB', 'RB', 'CAL', 'TRIM', 'BOOST', 'OVER']
    fc.assert(
      fc.property(fc.subarray(flags), (set) => {
        const nis = nisStatusFromNut(set.join(' '), { commLost: false })
        const back = nutStatusFromNis(nis.words, `0x${nis.statflag.toString(16)}`)
        assert.deepEqual(new Set(back.status.split(' ').filter(Boolean)), new Set(set))
        const fromWords = nutStatusFromNis(nis.words, undefined)
        assert.deepEqual(new Set(fromWords.status.split(' ').filter(Boolean)), new Set(set))
      }),
    )
  })

  it('reads a master shutting down as LB, and COMMLOST as no status', () => {
    assert.deepEqual(nutStatusFromNis('ONLINE ', '0x05000208'), {
      status: 'OL LB',
      commLost: false,
      shuttingDown: true,
    })
    assert.deepEqual(nutStatusFromNis('COMMLOST ', undefined), {
      status: '',
      commLost: true,
      shuttingDown: false,
    })
  })
})

describe('apcupsd NIS framing', () => {
  it('frames a request and a reply as apcupsd does', () => {
    assert.deepEqual([...encodeNisMessage('status')], [0, 6, ...Buffer.from('status')])
    const reader = new NisReader(256)
    const items = reader.push(Uint8Array.from([...encodeNisMessage('A\n'), ...nisEnd]))
    assert.deepEqual(items, [
      { kind: 'message', bytes: Uint8Array.from(Buffer.from('A\n')) },
      { kind: 'end' },
    ])
  })

  it('round-trips any messages split anywhere, and bounds what it holds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (messages, cuts) => {
          const stream = new Uint8Array(
            Buffer.concat([...messages.map((m) => encodeNisMessage(m)), nisEnd]),
          )
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort(
            (a, b) => a - b,
          )
          const reader = new NisReader(300)
          const items = [0, ...points, stream.length]
            .slice(1)
            .flatMap((end, i, all) => reader.push(stream.subarray(i === 0 ? 0 : all[i - 1], end)))
          assert.deepEqual(items, [
            ...messages.map((bytes) => ({ kind: 'message', bytes })),
            { kind: 'end' },
          ])
        },
      ),
    )
  })

  it('stops at a message longer than the bound, never throws on noise', () => {
    const reader = new NisReader(10)
    assert.deepEqual(reader.push(Uint8Array.of(0x10, 0x00, 1, 2, 3)), [
      { kind: 'too-long', length: 0x1000 },
    ])
    assert.ok(reader.broken)
    assert.deepEqual(reader.push(encodeNisMessage('x')), [])
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const items = new NisReader(64).push(bytes)
        for (const item of items) if (item.kind === 'message') assert.ok(item.bytes.length <= 64)
      }),
    )
  })
})
