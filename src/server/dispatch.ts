/**
 * From one request line to its reply: parse, look the command word up (without regard to
 * case), apply upsd's USERNAME/PASSWORD precondition, run the handler.
 */
import { describeError } from '../core/errors.ts'
import { errorReply } from '../protocol/net-reply.ts'
import { parseRequestLine } from '../protocol/net-request.ts'
import { getCommands } from './commands/get.ts'
import type { CommandContext, CommandSpec, Reply } from './commands/types.ts'
import { isGetVar, type ReplyCache } from './reply-cache.ts'

const builtinGet = getCommands['GET']

/**
 * `line` is a wire string (one character per byte, as the framer gives it). With a
 * `cache`, a `GET VAR` reply of the built-in handler is remembered for the same line.
 */
export function dispatch(
  commands: ReadonlyMap<string, CommandSpec>,
  line: string,
  context: CommandContext,
  cache?: ReplyCache,
): Reply | Promise<Reply> {
  const parsed = parseRequestLine(line)
  if (parsed.kind === 'invalid') return { text: errorReply('INVALID-ARGUMENT') }
  const reply = dispatchWords(commands, parsed.words, context)
  if (
    cache !== undefined &&
    !(reply instanceof Promise) &&
    reply.after === undefined &&
    isGetVar(parsed.words) &&
    commands.get('GET') === builtinGet
  ) {
    cache.put(line, reply.text)
  }
  return reply
}

export function dispatchWords(
  commands: ReadonlyMap<string, CommandSpec>,
  words: readonly string[],
  context: CommandContext,
): Reply | Promise<Reply> {
  const command = words[0]
  if (command === undefined) return { text: errorReply('UNKNOWN-COMMAND') }
  const spec = commands.get(command.toUpperCase())
  if (spec === undefined) return { text: errorReply('UNKNOWN-COMMAND') }
  if (spec.needsCredentials) {
    if (context.session.username === undefined) return { text: errorReply('USERNAME-REQUIRED') }
    if (context.session.password === undefined) return { text: errorReply('PASSWORD-REQUIRED') }
  }
  try {
    return spec.run(words.slice(1), context)
  } catch (error) {
    return internalError(context, error)
  }
}

export function internalError(context: CommandContext, error: unknown): Reply {
  context.server.log.error({ error: describeError(error) }, 'command handler failed')
  return { text: errorReply('INVALID-ARGUMENT') }
}
