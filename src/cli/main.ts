#!/usr/bin/env node
/**
 * The `nutshell` command: finds the subcommand and runs it. Each subcommand lives in its
 * own module under commands/ and is loaded only when asked for, so `nutshell upsc` does
 * not pay for the server, the monitor or the rules engine.
 */
import { describeError, isNutshellError } from '../core/errors.ts'
import { nutshellVersion } from '../core/version.ts'

export type CommandModule = { run(args: string[]): Promise<number> }

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  serve: {
    summary: 'run the broker (server, drivers, monitor, rules)',
    load: () => import('./commands/serve.ts'),
  },
  demo: {
    summary: 'run a simulated UPS replaying a power cut',
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
    summary: 'check a configuration (config check FILE|DIR)',
    load: () => import('./commands/config.ts'),
  },
  upsd: {
    summary: 'a drop-in for NUT upsd beside NUT drivers',
    load: () => import('./commands/upsd.ts'),
  },
  monitor: {
    summary: 'watch UPSes and shut down on power loss, as NUT upsmon',
    load: () => import('./commands/monitor.ts'),
  },
  rules: { summary: 'check, test and import rules', load: () => import('./commands/rules.ts') },
}

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  return `usage: nutshell <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'nutshell <command> -h' for a command's options.\n`
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === 'help' || name === '-h' || name === '--help') {
    process.stdout.write(usage())
    return name === undefined ? 1 : 0
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`nutshell ${nutshellVersion}\n`)
    return 0
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined
  if (command === undefined) {
    process.stderr.write(`nutshell: unknown command '${name}'\n\n${usage()}`)
    return 1
  }
  const module = await command.load()
  return module.run(rest)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    const code = isNutshellError(error) ? ` [${error.code}]` : ''
    process.stderr.write(`nutshell: ${describeError(error)}${code}\n`)
    process.exitCode = 1
  },
)
