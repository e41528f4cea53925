import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { commandLine } from '../../src/actions/run-command.ts'
import { parseYamlConfig } from '../../src/config/yaml-load.ts'
import { parseUpsmonConf } from '../../src/protocol/nut-config/upsmon-conf.ts'

// The examples of docs/monitor.md are real: the YAML loads, the upsmon.conf lines parse,
// and the NOTIFYCMD invocation shown is the one run-command builds.
const markdown = readFileSync(new URL('../../docs/monitor.md', import.meta.url), 'utf8')
const blocks = fencedBlocks(markdown)

function fencedBlocks(text: string): { lang: string; line: number; text: string }[] {
  const found: { lang: string; line: number; text: string }[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? '')
    if (open === null) continue
    let end = i + 1
    while (end < lines.length && !(lines[end] ?? '').startsWith('```')) end++
    found.push({
      lang: open[1] ?? '',
      line: i + 2,
      text: `${lines.slice(i + 1, end).join('\n')}\n`,
    })
    i = end
  }
  return found
}

describe('docs/monitor.md examples', () => {
  it('the YAML monitor section loads, with argument-list commands', () => {
    const yaml = blocks.filter((b) => b.lang === 'yaml')
    assert.ok(yaml.length > 0)
    for (const block of yaml) {
      const result = parseYamlConfig(block.text, `docs/monitor.md:${block.line}`)
      assert.ok(result.ok, JSON.stringify(result.diagnostics))
      assert.deepEqual(result.value.monitor?.notifyCommand, {
        argv: ['/usr/local/bin/notify', '--from', 'nutshell'],
      })
    }
  })

  it('the upsmon.conf lines of the examples parse without errors', () => {
    for (const block of blocks.filter((b) => b.text.includes('SHUTDOWNCMD'))) {
      const lines = block.text
        .split('\n')
        .filter((l) => /^[A-Z_]+ /.test(l))
        .map((l) => l.replace(/\s+#.*$/, ''))
      const { diagnostics } = parseUpsmonConf(lines.join('\n'))
      assert.deepEqual(
        diagnostics.filter((d) => d.severity === 'error'),
        [],
        `block at line ${block.line}`,
      )
    }
  })

  it('NOTIFYCMD runs as documented', () => {
    assert.ok(markdown.includes(`/bin/sh -c '<NOTIFYCMD> "$1"' nutshell '<message>'`))
    assert.deepEqual(commandLine({ shell: '<NOTIFYCMD>' }, ['<message>']), {
      file: '/bin/sh',
      argv: ['-c', '<NOTIFYCMD> "$1"', 'nutshell', '<message>'],
    })
  })
})
