import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ConfigDiagnostic } from '../protocol/nut-config/index.ts'
import { configFailure } from './config-failure.ts'

function diagnostic(code: ConfigDiagnostic['code'], severity: 'error' | 'warning' = 'error') {
  return { severity, code, file: 'f', line: 1, column: 1, message: 'm' } as ConfigDiagnostic
}

describe('configFailure', () => {
  it('a file that cannot be read wins over every other mistake', () => {
    const error = configFailure('x', [diagnostic('syntax'), diagnostic('file-unreadable')])
    assert.equal(error.code, 'NS_CONFIG_READ')
    assert.equal(error.message, 'x')
    assert.equal(configFailure('x', [diagnostic('file-missing')]).code, 'NS_CONFIG_READ')
  })

  it('text that does not parse, then a wrong setting', () => {
    assert.equal(configFailure('x', [diagnostic('syntax')]).code, 'NS_CONFIG_SYNTAX')
    assert.equal(configFailure('x', [diagnostic('control-character')]).code, 'NS_CONFIG_SYNTAX')
    assert.equal(configFailure('x', [diagnostic('unknown-key')]).code, 'NS_CONFIG_INVALID')
  })

  it('warnings do not choose the code', () => {
    const error = configFailure('x', [diagnostic('syntax', 'warning'), diagnostic('bad-value')])
    assert.equal(error.code, 'NS_CONFIG_INVALID')
  })
})
