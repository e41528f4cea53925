/**
 * The built-in command families. To add one (say a push/watch extension), write its
 * file beside these and add it to the list, or pass it in createNutServer's `commands`.
 */
import { authCommands } from './auth.ts'
import { basicCommands } from './basic.ts'
import { getCommands } from './get.ts'
import { instcmdCommands } from './instcmd.ts'
import { listCommands } from './list.ts'
import { setCommands } from './set.ts'
import { tlsCommands } from './starttls.ts'
import type { CommandFamily, CommandSpec } from './types.ts'
import { watchCommands } from './watch.ts'

export const builtinFamilies: readonly CommandFamily[] = [
  basicCommands,
  tlsCommands,
  authCommands,
  getCommands,
  listCommands,
  setCommands,
  instcmdCommands,
  watchCommands,
]

/** One lookup table from families; a later family's word replaces an earlier one's. */
export function buildCommandTable(families: readonly CommandFamily[]): Map<string, CommandSpec> {
  const table = new Map<string, CommandSpec>()
  for (const family of families) {
    for (const [word, spec] of Object.entries(family)) table.set(word.toUpperCase(), spec)
  }
  return table
}
