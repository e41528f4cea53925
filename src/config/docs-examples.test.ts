import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import {
  parseUpsConf,
  parseUpsdConf,
  parseUpsdUsers,
  parseUpsmonConf,
  parseUpsschedConf,
  renderDiagnostic,
} from '../protocol/nut-config/index.ts'
import { parseYamlConfig } from './yaml-load.ts'

const docPath = new URL('../../docs/configuration.md', import.meta.url)

/** Fenced blocks of a markdown text with their info string and first line number. */
export function fencedBlocks(markdown: string): { lang: string; line: number; text: string }[] {
  const blocks: { lang: string; line: number; text: string }[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] as string)
    if (open === null) continue
    const start = i + 1
    let end = start
    while (end < lines.length && !(lines[end] as string).startsWith('```')) end++
    blocks.push({
      lang: open[1] as string,
      line: start + 1,
      text: `${lines.slice(start, end).join('\n')}\n`,
    })
    i = end
  }
  return blocks
}

const nutReaders: Record<string, (text: string, file: string) => { diagnostics: unknown[] }> = {
  'ups.conf': parseUpsConf,
  'upsd.conf': parseUpsdConf,
  'upsd.users': parseUpsdUsers,
  'upsmon.conf': parseUpsmonConf,
  'upssched.conf': parseUpsschedConf,
}

describe('docs/configuration.md examples', () => {
  const blocks = fencedBlocks(readFileSync(docPath, 'utf8'))

  it('has YAML and NUT examples', () => {
    assert.ok(blocks.filter((b) => b.lang === 'yaml').length >= 3)
    for (const name of Object.keys(nutReaders)) {
      assert.ok(
        blocks.some((b) => b.lang === name),
        `an example of ${name}`,
      )
    }
  })

  for (const block of blocks.filter((b) => b.lang === 'yaml')) {
    it(`loads the YAML example at line ${block.line}`, () => {
      const r = parseYamlConfig(block.text, `configuration.md:${block.line}`, {})
      assert.deepEqual(r.diagnostics, [])
      assert.ok(r.ok)
    })
  }

  for (const block of blocks.filter((b) => Object.hasOwn(nutReaders, b.lang))) {
    it(`reads the ${block.lang} example at line ${block.line} without a diagnostic`, () => {
      const read = nutReaders[block.lang] as (
        text: string,
        file: string,
      ) => { diagnostics: unknown[] }
      assert.deepEqual(read(block.text, block.lang).diagnostics, [])
    })
  }

  it('shows diagnostics exactly as they are printed', () => {
    const shown = blocks.find((b) => b.lang === '' && b.text.includes('error unknown-key'))
    assert.ok(shown)
    const text = 'devices:\n  - name: rack\n    drvier: usbhid-ups\n    port: auto\n'
    const printed = parseYamlConfig(text, 'nutshell.yaml', {})
      .diagnostics.filter((d) => d.code === 'unknown-key')
      .map((d) => renderDiagnostic(d, text))
    assert.ok(shown.text.includes(printed.join('\n')), printed.join('\n'))
  })

  it('shows the first YAML example as it loads', () => {
    const first = blocks.find((b) => b.lang === 'yaml')
    assert.ok(first)
    const r = parseYamlConfig(first.text, '/etc/nutshell.yaml', {})
    assert.ok(r.ok)
    assert.deepEqual(r.value.server.listen, [
      { host: '127.0.0.1', port: 3493 },
      { host: '::1', port: 3493 },
    ])
    assert.deepEqual(
      r.value.devices.map((d) => d.name),
      ['ups1', 'rack2'],
    )
    assert.deepEqual(r.value.users[1]?.actions, ['FSD', 'LOGIN', 'PRIMARY'])
    assert.deepEqual(r.value.monitor?.shutdownCommand, { argv: ['/sbin/shutdown', '-h', '+0'] })
    assert.deepEqual(r.value.rules, { files: ['/etc/power.rules'] })
  })
})
