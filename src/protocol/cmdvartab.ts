/**
 * Parser for NUT's cmdvartab: the descriptions upsd gives for `GET DESC` and
 * `GET CMDDESC`. Lines are `VARDESC <name> "<text>"` and `CMDDESC <name> "<text>"` in the
 * common NUT config grammar; anything else is reported and skipped, as upsd skips it.
 *
 * Pure; never throws.
 */
import { tokenize } from './tokenizer.ts'

export interface Cmdvartab {
  /** Lower-case variable name → description. */
  variables: Map<string, string>
  /** Lower-case command name → description. */
  commands: Map<string, string>
  problems: Array<{ line: number; message: string }>
}

export function parseCmdvartab(text: string): Cmdvartab {
  const table: Cmdvartab = { variables: new Map(), commands: new Map(), problems: [] }
  for (const line of tokenize(text, { continueQuotesAcrossLines: true })) {
    if (line.error !== undefined) {
      table.problems.push({ line: line.line, message: line.error.message })
      continue
    }
    const [keyword, name, description] = line.words
    if (line.words.length !== 3 || name === undefined || description === undefined) {
      table.problems.push({ line: line.line, message: 'expected: VARDESC|CMDDESC <name> "<text>"' })
      continue
    }
    const target =
      keyword === 'VARDESC' ? table.variables : keyword === 'CMDDESC' ? table.commands : undefined
    if (target === undefined) {
      table.problems.push({ line: line.line, message: `unknown keyword ${keyword ?? ''}` })
      continue
    }
    // First definition wins, as in upsd's lookup of its list.
    const key = name.toLowerCase()
    if (!target.has(key)) target.set(key, description)
  }
  return table
}
