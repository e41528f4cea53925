#!/usr/bin/env node
import { nutshellVersion } from '../core/version.ts'
/**
 * The `nutshell` command: finds the subcommand and runs it. Each subcommand lives in its
 * own module under commands/ and is loaded only when asked for, so `nutshell upsc` does
 * not pay for the server, the monitor or the rules engine.
 */
import { reportFailure } from './error-report.ts'

export type CommandModule = { run(args: string[]): Promise<number> }

interface Command {
  summary: string
  /** Subcommands, listed by `nutshell help` (each has its own --help). */
  subcommands?: Record<string, string>
  load: () => Promise<CommandModule>
}

const commands: Record<string, Command> = {
  serve: {
    summary: 'run the broker: devices, NUT server, monitor, rules',
    load: () => import('./commands/serve.ts'),
  },
  demo: {
    summary: 'a simulated UPS living through a power cut',
    load: () => import('./commands/demo.ts'),
  },
  upsc: { summary: 'read variables, as NUT upsc', load: () => import('./commands/upsc.ts') },
  upsrw: {
    summary: 'list and set writable variables, as NUT upsrw',
    load: () => import('./commands/upsrw.ts'),
  },
  upscmd: {
    summary: 'list and run instant commands, as NUT upscmd',
    load: () => import('./commands/upscmd.ts'),
  },
  config: {
    summary: 'check, show and convert configurations',
    subcommands: {
      check: 'find every mistake in a configuration, with advice',
      show: 'print the configuration as read (JSON, passwords, tokens and webhook secrets hidden)',
      convert: 'print a configuration as one native YAML file',
      schema: 'print the JSON Schema of the YAML configuration',
    },
    load: () => import('./commands/config.ts'),
  },
  upsd: {
    summary: "a drop-in for NUT's upsd beside NUT's drivers",
    load: () => import('./commands/upsd.ts'),
  },
  monitor: {
    summary: 'watch UPSes and shut down on power loss, as NUT upsmon',
    load: () => import('./commands/monitor.ts'),
  },
  helper: {
    summary: 'the privileged helper: runs serve or monitor jailed, and powers off',
    load: () => import('./commands/helper.ts'),
  },
  rules: {
    summary: 'check, test and import rules',
    subcommands: {
      check: 'check rules files (rules or upssched.conf)',
      test: 'show what rules would do over a .seq timeline',
      'import-upssched': 'print the rules equivalent to an upssched.conf',
    },
    load: () => import('./commands/rules.ts'),
  },
  notify: {
    summary: 'try notification channels',
    subcommands: { test: 'send a test message through a notification channel' },
    load: () => import('./commands/notify.ts'),
  },
  web: {
    summary: 'passwords and tokens for the web face',
    subcommands: {
      'hash-password': "print a web user's password hash (scrypt) for web.auth.users",
      'new-token': 'print a new API token and its hash for web.auth.tokens',
    },
    load: () => import('./commands/web.ts'),
  },
  help: {
    summary: "this list, or a command's help (help COMMAND)",
    load: async () => ({ run: help }),
  },
}

/** Every command and subcommand with its one line (kept equal to each --help: a test checks). */
function usage(): string {
  const rows: Array<[string, string]> = []
  for (const [name, c] of Object.entries(commands)) {
    rows.push([name, c.summary])
    for (const [sub, summary] of Object.entries(c.subcommands ?? {}))
      rows.push([`${name} ${sub}`, summary])
  }
  const width = Math.max(...rows.map(([name]) => name.length)) + 2
  const lines = rows.map(([name, summary]) => `  ${name.padEnd(width)}${summary}`)
  return `usage: nutshell COMMAND [options]

A power device broker, wire-compatible with Network UPS Tools (NUT).

commands:
${lines.join('\n')}

Run 'nutshell COMMAND --help' (or 'nutshell help COMMAND') for a command's options.
From a checkout without 'nutshell' on the PATH: 'npx nutshell COMMAND' (see README.md).
`
}

/** `nutshell help [COMMAND [SUBCOMMAND]]`: the same text as `nutshell COMMAND --help`. */
async function help(args: string[]): Promise<number> {
  const [name, ...rest] = args
  if (name === undefined) {
    process.stdout.write(usage())
    return 0
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(
      "usage: nutshell help [COMMAND [SUBCOMMAND]]\n\nShow every command, or one command's help.\n\nexample:\n  nutshell help config check\n",
    )
    return 0
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined
  if (command === undefined) return unknownCommand(name)
  const module = await command.load()
  // upsc, upsrw and upscmd take NUT's -h; the others take --help as well.
  const flag = name.startsWith('ups') && name !== 'upsd' ? '-h' : '--help'
  return module.run([...rest.slice(0, 1), flag])
}

function unknownCommand(name: string): number {
  const what = name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${name}'`
  process.stderr.write(`nutshell: ${what}; see 'nutshell help'\n`)
  return 2
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined) {
    process.stderr.write(usage())
    return 2
  }
  if (name === '-h' || name === '--help') return help([])
  if (name === '--version' || name === '-V') {
    process.stdout.write(`nutshell ${nutshellVersion}\n`)
    return 0
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined
  if (command === undefined) return unknownCommand(name)
  const module = await command.load()
  return module.run(rest)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    reportFailure('nutshell', error)
    process.exitCode = 1
  },
)
