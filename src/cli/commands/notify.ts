/**
 * `nutshell notify test CHANNEL`: sends one test message through a channel of the
 * configuration's `notify.channels`, with the channel's template, retries and timeout, and
 * says whether it arrived: the way to try a channel without pulling the plug.
 */
import { serviceChannels } from '../../actions/channels/index.ts'
import { resolveConfigPath } from '../../config/from-nut.ts'
import { loadConfig } from '../../config/load.ts'
import { createLogger } from '../../core/log.ts'
import { formatDiagnostic } from '../../protocol/nut-config/index.ts'
import { type CommandGroup, type CommandSpec, parseSubcommand } from '../args.ts'

export const notifyTestCommand: CommandSpec = {
  name: 'notify test',
  usage: ['CHANNEL --config FILE [--type TYPE] [--ups NAME] [--message TEXT]'],
  summary: 'send a test message through a notification channel',
  options: {
    config: {
      type: 'string',
      value: 'FILE',
      help: 'the YAML configuration with notify.channels (required)',
    },
    type: {
      type: 'string',
      value: 'TYPE',
      help: 'the notify type the message claims',
      default: 'TEST',
    },
    ups: {
      type: 'string',
      value: 'NAME',
      help: 'the UPS the message names',
      default: 'test@localhost',
    },
    message: {
      type: 'string',
      value: 'TEXT',
      help: 'the message text',
      default: 'nutshell test notification',
    },
    'log-level': { type: 'string', value: 'LEVEL', help: 'log level on stderr', default: 'warn' },
  },
  positionals: true,
  notes:
    'Exit status 0 when the service took the message, 1 when it was given up (the reason is printed).',
  examples: ['nutshell notify test phone --config /etc/nutshell/nutshell.yaml'],
}

export const notifyCommands: CommandGroup = {
  name: 'notify',
  summary: 'try notification channels',
  commands: [notifyTestCommand],
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseSubcommand(notifyCommands, args)
  if (!parsed.ok) return parsed.code
  const v = parsed.values as Record<string, string | undefined>
  const [name, ...extra] = parsed.positionals
  const usage = (what: string) => {
    process.stderr.write(`nutshell notify test: ${what}; see 'nutshell notify test --help'\n`)
    return 2
  }
  if (name === undefined || extra.length > 0) return usage('name one channel')
  if (v['config'] === undefined) return usage('--config FILE is required')
  const loaded = await loadConfig(v['config'])
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`)
    return 1
  }
  const config = loaded.value
  const log = createLogger({ level: v['log-level'] ?? 'warn' })
  const channels = serviceChannels(config.notify ?? { deadLetterMax: 1000 }, {
    log,
    resolvePath: (p) => resolveConfigPath(config.configDir, p),
  })
  const channel = channels.find((c) => c.name === name)
  if (channel === undefined) {
    const known = channels.map((c) => c.name).join(', ')
    process.stderr.write(
      `nutshell notify test: no channel '${name}' in notify.channels${known === '' ? '' : ` (channels: ${known})`}\n`,
    )
    return 1
  }
  const error = await channel.send({
    type: (v['type'] ?? 'TEST').toUpperCase(),
    ups: v['ups'] ?? 'test@localhost',
    text: v['message'] ?? 'nutshell test notification',
  })
  if (error !== undefined) {
    process.stderr.write(`nutshell notify test: ${name}: not delivered: ${error}\n`)
    return 1
  }
  process.stdout.write(`${name}: delivered\n`)
  return 0
}
