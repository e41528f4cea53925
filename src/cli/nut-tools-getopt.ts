/**
 * POSIX getopt as NUT's upsc, upsrw and upscmd call it (an optstring starting with `+`:
 * options stop at the first operand, so `upsc ups@host -l` asks for a variable named
 * `-l`). Clusters (`-lw`), attached arguments (`-uadmin`) and `--` work as in glibc, and
 * glibc's messages are kept: `upsc: invalid option -- 'x'`,
 * `upsc: option requires an argument -- 'u'`.
 *
 * One addition for nutshell: `--json` is taken as an option wherever it stands (before or
 * after the operands, but not after a `--` and not as another option's argument).
 */

export type OptionEvent =
  | { kind: 'option'; name: string; argument?: string }
  | { kind: 'error'; message: string }

export interface ParsedArgs {
  /** Options and errors in command-line order: a tool acts on them one by one, as NUT. */
  events: OptionEvent[]
  operands: string[]
  json: boolean
}

/** `spec` as getopt's optstring without the `+`: a letter, followed by `:` if it takes one. */
export function getopt(program: string, args: readonly string[], spec: string): ParsedArgs {
  const withArgument = new Set<string>()
  const flags = new Set<string>()
  for (let i = 0; i < spec.length; i++) {
    const letter = spec[i] as string
    if (spec[i + 1] === ':') {
      withArgument.add(letter)
      i++
    } else flags.add(letter)
  }
  const events: OptionEvent[] = []
  let json = false
  let index = 0
  let endOfOptions = false
  while (index < args.length) {
    const arg = args[index] as string
    if (arg === '--json') {
      json = true
      index++
      continue
    }
    if (arg === '--') {
      endOfOptions = true
      index++
      break
    }
    if (!arg.startsWith('-') || arg === '-') break
    index++
    for (let at = 1; at < arg.length; at++) {
      const letter = arg[at] as string
      if (withArgument.has(letter)) {
        const attached = arg.slice(at + 1)
        if (attached !== '') events.push({ kind: 'option', name: letter, argument: attached })
        else if (index < args.length) {
          events.push({ kind: 'option', name: letter, argument: args[index] as string })
          index++
        } else {
          events.push({
            kind: 'error',
            message: `${program}: option requires an argument -- '${letter}'`,
          })
        }
        break
      }
      if (flags.has(letter)) events.push({ kind: 'option', name: letter })
      else events.push({ kind: 'error', message: `${program}: invalid option -- '${letter}'` })
    }
  }
  // After the first operand, getopt leaves everything (a `--` too) as operands; --json is
  // still ours there, up to a `--`.
  const operands: string[] = []
  let literal = endOfOptions
  for (const arg of args.slice(index)) {
    if (!literal && arg === '--json') {
      json = true
      continue
    }
    if (arg === '--') literal = true
    operands.push(arg)
  }
  return { events, operands, json }
}
