import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseUpsdConf } from './upsd-conf.ts'

describe('upsd.conf', () => {
  it('reads every directive', () => {
    const { conf, diagnostics } = parseUpsdConf(
      [
        'MAXAGE 20',
        'TRACKINGDELAY 60',
        'ALLOW_NO_DEVICE true',
        'STATEPATH /run/x',
        'LISTEN 127.0.0.1 3493',
        'LISTEN ::1',
        'MAXCONN 100',
        'CERTFILE /etc/nut/cert.pem',
        'DISABLE_WEAK_SSL yes',
        'debug_min 2',
        'NUTSHELL_IDLE_TIMEOUT 30',
        'NUTSHELL_HANDSHAKE_TIMEOUT 5',
        'NUTSHELL_MAX_LINE 1024',
        'NUTSHELL_MAXCONN_PER_ADDRESS 10',
        'NUTSHELL_MAX_OUTPUT_QUEUE 65536',
        'NUTSHELL_KEYFILE key.pem',
      ].join('\n'),
    )
    assert.deepEqual(diagnostics, [])
    assert.equal(conf.maxAge, 20)
    assert.equal(conf.trackingDelay, 60)
    assert.equal(conf.allowNoDevice, true)
    assert.equal(conf.statePath, '/run/x')
    assert.deepEqual(
      conf.listen.map((l) => [l.host, l.port]),
      [
        ['127.0.0.1', 3493],
        ['::1', undefined],
      ],
    )
    assert.equal(conf.maxConn, 100)
    assert.equal(conf.certFile, '/etc/nut/cert.pem')
    assert.equal(conf.disableWeakSsl, true)
    assert.equal(conf.debugMin, 2)
    assert.deepEqual(conf.nutshell, {
      idleTimeout: 30,
      handshakeTimeout: 5,
      maxLineLength: 1024,
      maxConnPerAddress: 10,
      maxOutputQueue: 65536,
      keyFile: 'key.pem',
    })
  })

  it('reports bad values with what would be valid', () => {
    const { conf, diagnostics } = parseUpsdConf(
      'MAXAGE abc\nLISTEN 0.0.0.0 99999\nALLOW_NO_DEVICE perhaps\n',
    )
    assert.equal(conf.maxAge, undefined)
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code, d.line, d.column]),
      [
        ['error', 'bad-number', 1, 8],
        ['error', 'out-of-range', 2, 16],
        ['error', 'bad-boolean', 3, 17],
      ],
    )
    assert.match(diagnostics[0]?.message ?? '', /MAXAGE/)
    assert.match(diagnostics[0]?.advice ?? '', /integer >= 1/)
    assert.match(diagnostics[2]?.advice ?? '', /true, on, yes, 1/)
  })

  it('reads 15s as 15 with a warning, as upsd does with atoi', () => {
    const { conf, diagnostics } = parseUpsdConf('MAXAGE 15s\n')
    assert.equal(conf.maxAge, 15)
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code]),
      [['warning', 'bad-number']],
    )
  })

  it('warns about unknown, obsolete and unsupported directives', () => {
    const { diagnostics } = parseUpsdConf(
      'maxage 3\nACL all 0.0.0.0/0\nACCEPT all\nREJECT all\nCERTPATH /x\nCERTIDENT a b\nCERTREQUEST 1\nMAXAEG 3\n',
    )
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code]),
      [
        ['warning', 'unknown-directive'],
        ['warning', 'obsolete'],
        ['warning', 'obsolete'],
        ['warning', 'obsolete'],
        ['warning', 'unsupported'],
        ['warning', 'unsupported'],
        ['warning', 'unsupported'],
        ['warning', 'unknown-directive'],
      ],
    )
    assert.match(diagnostics[0]?.advice ?? '', /did you mean 'MAXAGE'/)
    assert.match(diagnostics[7]?.advice ?? '', /did you mean 'MAXAGE'/)
  })

  it('ignores a byte-order mark at the start, as NUT does', () => {
    const { conf, diagnostics } = parseUpsdConf('\uFEFFMAXAGE 20\n')
    assert.deepEqual(diagnostics, [])
    assert.equal(conf.maxAge, 20)
    assert.deepEqual(parseUpsdConf('\uFEFFMAXAGE x\n').diagnostics[0]?.column, 8)
  })

  it('needs a value', () => {
    const { diagnostics } = parseUpsdConf('MAXAGE\nLISTEN\n')
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['missing-value', 'missing-value'],
    )
  })
})
