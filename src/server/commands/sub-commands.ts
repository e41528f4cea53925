/**
 * GET and LIST dispatch their sub-commands as upsd does: the word is matched without
 * regard to case, and too few arguments for it (or an unknown word) give INVALID-ARGUMENT.
 */
import { fail } from './replies.ts'
import type { CommandContext, Reply } from './types.ts'

export type SubCommand = (args: string[], context: CommandContext) => Reply

/**
 * `byArguments[n]` holds the sub-commands that need at least n arguments after their word
 * (LIST UPS none, LIST VAR the UPS, LIST ENUM the UPS and a variable).
 */
export function subCommands(
  byArguments: readonly Readonly<Record<string, SubCommand>>[],
): (args: string[], context: CommandContext) => Reply {
  return (args, context) => {
    const [sub, ...rest] = args
    if (sub === undefined) return fail('INVALID-ARGUMENT')
    const word = sub.toUpperCase()
    for (const [needed, table] of byArguments.entries()) {
      if (rest.length < needed) break
      const run = table[word]
      if (run !== undefined) return run(rest, context)
    }
    return fail('INVALID-ARGUMENT')
  }
}
