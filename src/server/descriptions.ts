import { readFileSync } from 'node:fs'
import type { Logger } from '../core/log.ts'
import { parseCmdvartab } from '../protocol/cmdvartab.ts'
import {
  fallbackCommandDescriptions,
  fallbackVariableDescriptions,
} from './fallback-descriptions.ts'

/** Where Debian's NUT installs cmdvartab (upsd reads it from its DATAPATH). */
export const defaultCmdvartabPath = '/usr/share/nut/cmdvartab'

/** Descriptions for `GET DESC` and `GET CMDDESC`; lookups ignore case, as upsd's do. */
export interface Descriptions {
  variable(name: string): string | undefined
  command(name: string): string | undefined
}

export function descriptionsFrom(
  variables: ReadonlyMap<string, string>,
  commands: ReadonlyMap<string, string>,
): Descriptions {
  return {
    variable: (name) => variables.get(name.toLowerCase()),
    command: (name) => commands.get(name.toLowerCase()),
  }
}

/** Our own table, used when no cmdvartab is installed. */
export function fallbackDescriptions(): Descriptions {
  return descriptionsFrom(
    new Map(Object.entries(fallbackVariableDescriptions)),
    new Map(Object.entries(fallbackCommandDescriptions)),
  )
}

/**
 * NUT's cmdvartab when it can be read (so nutshell says exactly what upsd says), else our
 * own table. Read once at start, as upsd does.
 */
export function loadDescriptions(path: string, log: Logger): Descriptions {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    log.debug({ path }, 'no cmdvartab; using built-in descriptions')
    return fallbackDescriptions()
  }
  const table = parseCmdvartab(text)
  for (const problem of table.problems.slice(0, 5)) {
    log.warn({ path, line: problem.line }, `cmdvartab: ${problem.message}`)
  }
  return descriptionsFrom(table.variables, table.commands)
}
