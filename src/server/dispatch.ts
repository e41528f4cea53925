/**
 * From one request line to its reply: parse, look the command word up (without regard to
 * case), apply upsd's USERNAME/PASSWORD precondition, run the handler.
 */
import { describeError } from '../core/errors.ts'
import { errorReply } from '../protocol/net-reply.ts'
import { parseRequestLine } from '../protocol/net-request.ts'
import type { CommandContext, CommandSpec, Reply } from './commands/types.ts'

export function dispatch(
  commands: ReadonlyMap<string, CommandSpec>,
  line: Uint8Array,
  context: CommandContext,
): Reply | Promise<Reply> {
  const parsed = parseRequestLine(line)
  if (parsed.kind === 'invalid') return { text: errorReply('INVALID-ARGUMENT') }
  return dispatchWords(commands, parsed.words, context)
}

export function dispatchWords(
  commands: ReadonlyMap<string, CommandSpec>,
  words: readonly string[],
  context: CommandContext,
): Reply | Promise<Reply> {
  const [command, ...args] = words
  if (command === undefined) return { text: errorReply('UNKNOWN-COMMAND') }
  const spec = commands.get(command.toUpperCase())
  if (spec === undefined) return { text: errorReply('UNKNOWN-COMMAND') }
  if (spec.needsCredentials) {
    if (context.session.username === undefined) return { text: errorReply('USERNAME-REQUIRED') }
    if (context.session.password === undefined) return { text: errorReply('PASSWORD-REQUIRED') }
  }
  try {
    return spec.run(args, context)
  } catch (error) {
    return internalError(context, error)
  }
}

export function internalError(context: CommandContext, error: unknown): Reply {
  context.server.log.error({ error: describeError(error) }, 'command handler failed')
  return { text: errorReply('INVALID-ARGUMENT') }
}
