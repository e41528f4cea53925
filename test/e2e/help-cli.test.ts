import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { CommandModule } from '../../src/cli/main.ts'
import { captureOutput } from '../helpers/capture-output.ts'
import { run } from '../helpers/processes.ts'

// Every command and subcommand answers -h/--help with its own help, and an unknown option
// with nutshell's one-line message (exit 2). The commands run in this process (their `run`),
// `nutshell help` itself through the real entry point.
const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

const modules: Record<string, () => Promise<CommandModule>> = {
  serve: () => import('../../src/cli/commands/serve.ts'),
  demo: () => import('../../src/cli/commands/demo.ts'),
  upsc: () => import('../../src/cli/commands/upsc.ts'),
  upsrw: () => import('../../src/cli/commands/upsrw.ts'),
  upscmd: () => import('../../src/cli/commands/upscmd.ts'),
  config: () => import('../../src/cli/commands/config.ts'),
  upsd: () => import('../../src/cli/commands/upsd.ts'),
  monitor: () => import('../../src/cli/commands/monitor.ts'),
  helper: () => import('../../src/cli/commands/helper.ts'),
  rules: () => import('../../src/cli/commands/rules.ts'),
  notify: () => import('../../src/cli/commands/notify.ts'),
  web: () => import('../../src/cli/commands/web.ts'),
}

const nutTools = new Set(['upsc', 'upsrw', 'upscmd'])

async function nutshell(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', cli, ...args])
}

/** `nutshell help`'s list: command name → its one line. */
async function helpList(): Promise<Map<string, string>> {
  const result = await nutshell('help')
  assert.equal(result.code, 0, result.stderr)
  const rows = new Map<string, string>()
  const section = result.stdout.split('commands:\n')[1]?.split('\n\n')[0] ?? ''
  for (const line of section.split('\n')) {
    const match = /^ {2}(\S+(?: \S+)?)\s{2,}(.+)$/.exec(line)
    if (match !== null) rows.set(match[1] as string, match[2] as string)
  }
  return rows
}

async function runIn(command: string[], args: string[]) {
  const [name, ...sub] = command
  const module = await (modules[name as string] as () => Promise<CommandModule>)()
  return captureOutput(() => module.run([...sub, ...args]))
}

const listed = await helpList()

describe('help', () => {
  it('nutshell help lists every command and subcommand', () => {
    assert.deepEqual(
      [...listed.keys()],
      [
        'serve',
        'demo',
        'upsc',
        'upsrw',
        'upscmd',
        'config',
        'config check',
        'config show',
        'config convert',
        'config schema',
        'upsd',
        'monitor',
        'helper',
        'rules',
        'rules check',
        'rules test',
        'rules import-upssched',
        'notify',
        'notify test',
        'web',
        'web hash-password',
        'web new-token',
        'help',
      ],
    )
  })

  for (const name of listed.keys()) {
    if (name === 'help') continue
    const command = name.split(' ')
    it(`nutshell ${name} --help and -h print its own help`, async () => {
      for (const flag of nutTools.has(name) ? ['-h'] : ['--help', '-h']) {
        const result = await runIn(command, [flag])
        assert.equal(result.code, 0, result.stderr)
        assert.equal(result.stderr, '')
        if (nutTools.has(name)) {
          assert.match(result.stdout, new RegExp(`^usage: ${name} `, 'm'))
          continue
        }
        assert.match(result.stdout, new RegExp(`^usage: nutshell ${name}\\b`))
        const summary = listed.get(name) as string
        const sentence = `${summary.charAt(0).toUpperCase()}${summary.slice(1)}.`
        assert.ok(result.stdout.includes(`\n\n${sentence}\n`), `${name}: ${result.stdout}`)
        if (command.length === 1 && ['config', 'rules', 'notify', 'web'].includes(name)) {
          assert.match(result.stdout, /^subcommands:$/m)
        } else {
          assert.match(result.stdout, /^options:\n(?: .*\n)*? {2}-h, --help {2}/m)
          assert.match(result.stdout, new RegExp(`^examples?:\\n {2}.*nutshell ${name}`, 'm'))
        }
      }
    })

    it(`nutshell ${name} refuses an unknown option in its own words`, async () => {
      const result = await runIn(command, ['--frob'])
      if (nutTools.has(name)) {
        // NUT's getopt behaviour, pinned against the real tools in tools-compat.
        assert.match(result.stderr, new RegExp(`^${name}: invalid option -- '-'`))
        return
      }
      assert.equal(result.code, 2)
      assert.equal(result.stdout, '')
      const first = result.stderr.split('\n')[0]
      const group = command.length === 1 && ['config', 'rules', 'notify', 'web'].includes(name)
      const expected = group
        ? new RegExp(`^nutshell ${name}: unknown option '--frob' \\(there are: [a-z-]+`)
        : new RegExp(`^nutshell ${name}: unknown option '--frob'; see 'nutshell ${name} --help'$`)
      assert.match(first ?? '', expected)
      assert.doesNotMatch(result.stderr, /positional argument|To specify/)
    })
  }

  it('nutshell help COMMAND is COMMAND --help, and an unknown command exits 2', async () => {
    const viaHelp = await nutshell('help', 'config', 'show')
    const direct = await runIn(['config', 'show'], ['--help'])
    assert.equal(viaHelp.code, 0)
    assert.equal(viaHelp.stdout, direct.stdout)
    const tool = await nutshell('help', 'upsc')
    assert.equal(tool.stdout, (await runIn(['upsc'], ['-h'])).stdout)
    const unknown = await nutshell('frobnicate')
    assert.equal(unknown.code, 2)
    assert.equal(unknown.stderr, "nutshell: unknown command 'frobnicate'; see 'nutshell help'\n")
  })

  it('a missing option value is named, not described as parser text', async () => {
    const result = await runIn(['serve'], ['--config'])
    assert.equal(result.code, 2)
    assert.equal(
      result.stderr,
      "nutshell serve: option '--config' needs a value; see 'nutshell serve --help'\n",
    )
  })
})
