import type { ScriptName } from './ast.ts'

/**
 * powerman's reserved words (its scanner has no identifier rule: any other word is an
 * error). `plug name` is one two-word token, handled by the lexer.
 */
export const scriptNames: readonly ScriptName[] = [
  'login',
  'logout',
  'ping',
  'status',
  'status_all',
  'status_temp',
  'status_temp_all',
  'status_beacon',
  'status_beacon_all',
  'beacon_on',
  'beacon_on_ranged',
  'beacon_off',
  'beacon_off_ranged',
  'on',
  'on_ranged',
  'on_all',
  'off',
  'off_ranged',
  'off_all',
  'cycle',
  'cycle_ranged',
  'cycle_all',
  'reset',
  'reset_ranged',
  'reset_all',
]

export const itemKeywords = [
  'listen',
  'tcpwrappers',
  'plug_log_level',
  'alias',
  'device',
  'node',
  'specification',
  'include',
] as const

export const specKeywords = ['timeout', 'pingperiod', 'plug name', 'script', 'include'] as const

export const statementKeywords = [
  'expect',
  'send',
  'delay',
  'setplugstate',
  'setresult',
  'foreachplug',
  'foreachnode',
  'ifon',
  'ifoff',
  'include',
] as const

const otherKeywords = ['yes', 'no', 'success'] as const

/** Every reserved word the scanner knows, except the two-word `plug name`. */
export const keywords: ReadonlySet<string> = new Set<string>([
  ...scriptNames,
  ...itemKeywords,
  ...specKeywords.filter((k) => k !== 'plug name'),
  ...statementKeywords,
  ...otherKeywords,
])

/** Words a misspelling may be matched against (did-you-mean), `plug name` included. */
export const spellingCandidates: readonly string[] = [...keywords, 'plug name']

export function isScriptName(word: string): word is ScriptName {
  return (scriptNames as readonly string[]).includes(word)
}

/** Words powerman once had or documents but no longer accepts, with what to write. */
export const retiredWords: Readonly<Record<string, string>> = {
  status_soft:
    'status_soft was removed from powerman in 2008 (the man page still lists it); write a status script.',
  status_soft_all:
    'status_soft_all was removed from powerman in 2008 (the man page still lists it); write a status_all script.',
  status_ranged:
    'There is no status_ranged script (proposed upstream, never merged); status_all or status serve every status query.',
}
