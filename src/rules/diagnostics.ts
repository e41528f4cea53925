import type { Span } from './ast.ts'

/**
 * Diagnostics are data: a stable code, a severity, a message, the span it is about, an
 * optional piece of advice and optional related locations. They are collected, never
 * thrown, and rendered by one formatter (`render.ts`). Codes: RULE1xxx syntax (lexer and
 * parser), RULE2xxx meaning (checker), RULE3xxx run time. docs/rules.md lists every code
 * and a test keeps the two in step.
 */
export const diagnosticCatalogue = {
  RULE1001: 'unexpected character',
  RULE1002: 'unterminated string',
  RULE1003: 'unknown escape in a string',
  RULE1004: 'bad number or duration',
  RULE1005: 'token expected',
  RULE1006: 'expression expected',
  RULE1007: 'rule expected',
  RULE1008: 'action expected',
  RULE1009: 'unmatched bracket',
  RULE1010: 'comparisons cannot be chained',
  RULE1011: 'C-style operator',
  RULE1012: 'duration expected',
  RULE1013: 'name expected',
  RULE1014: 'misplaced clause',
  RULE1015: 'device blocks cannot nest',
  RULE1016: 'upssched.conf problem',
  RULE1017: 'style: another spelling of an operator',
  RULE2001: 'unknown variable',
  RULE2002: 'variable not in NUT standard names',
  RULE2003: 'unknown status flag',
  RULE2004: 'unknown notify event',
  RULE2005: 'timer never handled',
  RULE2006: 'timer never started',
  RULE2007: 'type mismatch',
  RULE2008: 'condition expected',
  RULE2009: 'bad template',
  RULE2010: 'unknown instant command',
  RULE2011: 'bad duration',
  RULE2012: 'bad action argument',
  RULE2013: 'condition does not depend on any device',
  RULE2014: 'unknown device',
  RULE2015: 'empty block',
  RULE2016: 'division by zero',
  RULE2017: 'duplicate handler',
  RULE2018: 'equality on the whole status',
  RULE2019: 'case-sensitive name comparison',
  RULE3001: 'action failed',
  RULE3002: 'rules reload failed',
} as const

export type DiagnosticCode = keyof typeof diagnosticCatalogue
/** A note is a style hint: shown by `rules check`, never failing anything. */
export type Severity = 'error' | 'warning' | 'note'

export interface RelatedInfo {
  span: Span
  message: string
}

export interface Diagnostic {
  code: DiagnosticCode
  severity: Severity
  message: string
  span: Span
  advice?: string
  related?: RelatedInfo[]
}

export function diagnostic(
  code: DiagnosticCode,
  span: Span,
  message: string,
  extra: { advice?: string; related?: RelatedInfo[]; severity?: Severity } = {},
): Diagnostic {
  const d: Diagnostic = { code, severity: extra.severity ?? 'error', message, span }
  if (extra.advice !== undefined) d.advice = extra.advice
  if (extra.related !== undefined) d.related = extra.related
  return d
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error')
}
