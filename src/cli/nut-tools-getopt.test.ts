import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { getopt } from './nut-tools-getopt.ts'

test('options stop at the first operand, as getopt with "+"', () => {
  assert.deepEqual(getopt('upsc', ['-L', 'host', '-l'], 'hlLcV'), {
    events: [{ kind: 'option', name: 'L' }],
    operands: ['host', '-l'],
    json: false,
  })
})

test('clusters, attached and separate arguments, --', () => {
  assert.deepEqual(getopt('upscmd', ['-lwuadmin', '-p', 'pw', '--', '-x'], 'lhu:p:t:wV'), {
    events: [
      { kind: 'option', name: 'l' },
      { kind: 'option', name: 'w' },
      { kind: 'option', name: 'u', argument: 'admin' },
      { kind: 'option', name: 'p', argument: 'pw' },
    ],
    operands: ['-x'],
    json: false,
  })
})

test("glibc's messages for a bad option and a missing argument", () => {
  assert.deepEqual(getopt('upsc', ['-x'], 'hlLcV').events, [
    { kind: 'error', message: "upsc: invalid option -- 'x'" },
  ])
  assert.deepEqual(getopt('upsrw', ['-s'], 'hls:p:t:u:wV').events, [
    { kind: 'error', message: "upsrw: option requires an argument -- 's'" },
  ])
})

test('--json anywhere, except as an option argument or after --', () => {
  assert.deepEqual(getopt('upsc', ['ups', 'var', '--json'], 'hlLcV'), {
    events: [],
    operands: ['ups', 'var'],
    json: true,
  })
  assert.equal(getopt('upsrw', ['-p', '--json', 'ups'], 'hls:p:t:u:wV').json, false)
  assert.deepEqual(getopt('upsc', ['ups', '--', '--json'], 'hlLcV').operands, [
    'ups',
    '--',
    '--json',
  ])
  assert.equal(getopt('upsc', ['--', '--json'], 'hlLcV').json, false)
})

test('getopt never throws and keeps every operand', () => {
  fc.assert(
    fc.property(fc.array(fc.string()), (args) => {
      const parsed = getopt('upsc', args, 'hls:V')
      assert.ok(parsed.operands.length <= args.length)
    }),
  )
})
