import type { Span } from './ast.ts'

/**
 * Diagnostics are data, as in the rules language (src/rules/diagnostics.ts): a stable
 * code, a severity, a message, the file and span it is about, optional advice and related
 * locations. Collected, never thrown; rendered by render.ts. Codes: PM1xxx syntax (lexer
 * and parser), PM2xxx meaning (checker). docs/scripts.md lists every code and a test
 * keeps the two in step.
 */
export const diagnosticCatalogue = {
  PM1001: 'unexpected character',
  PM1002: 'unterminated string',
  PM1003: 'unknown word',
  PM1004: 'bad number',
  PM1005: 'token expected',
  PM1006: 'unmatched brace',
  PM1007: 'empty block',
  PM1008: 'statement expected',
  PM1009: 'specification item expected',
  PM1010: 'configuration item expected',
  PM1011: 'script name expected',
  PM1012: 'bad include',
  PM1013: 'include file not read',
  PM1014: 'includes nested too deeply',
  PM1015: 'comment without a final newline',
  PM1016: 'string too long',
  PM1017: 'octal escape out of range',
  PM1018: 'bad capture reference',
  PM1019: 'interpretation expected',
  PM1020: 'keywords run together',
  PM2001: 'duplicate plug list',
  PM2002: 'duplicate script',
  PM2003: 'login script missing',
  PM2004: 'timeout missing or zero',
  PM2005: 'unknown specification',
  PM2006: 'unknown device',
  PM2007: 'bad device address',
  PM2008: 'bad device flags',
  PM2009: 'regular expression too long',
  PM2010: 'node mapping problem',
  PM2011: 'bad hostlist',
  PM2012: 'duplicate specification',
  PM2013: 'duplicate device',
  PM2014: 'tcpwrappers without yes or no',
  PM2015: 'not understood by powerman 2.3',
  PM2016: 'bad alias',
  PM2017: 'bad listen address',
  PM2018: 'unknown log level',
  PM2019: 'setting given twice',
  PM2020: 'bad regular expression',
  PM2021: 'unsafe send format',
  PM2022: 'ifon or ifoff outside a single-plug script',
} as const

export type DiagnosticCode = keyof typeof diagnosticCatalogue
export type Severity = 'error' | 'warning'

export interface RelatedInfo {
  file: string
  span: Span
  message: string
}

export interface Diagnostic {
  code: DiagnosticCode
  severity: Severity
  message: string
  /** The name of the file the span points into (an included file's own name). */
  file: string
  span: Span
  advice?: string
  related?: RelatedInfo[]
}

export interface DiagnosticExtra {
  advice?: string
  related?: RelatedInfo[]
  severity?: Severity
}

export function diagnostic(
  code: DiagnosticCode,
  file: string,
  span: Span,
  message: string,
  extra: DiagnosticExtra = {},
): Diagnostic {
  const d: Diagnostic = { code, severity: extra.severity ?? 'error', message, file, span }
  if (extra.advice !== undefined) d.advice = extra.advice
  if (extra.related !== undefined) d.related = extra.related
  return d
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error')
}

export function didYouMean(guess: string | undefined): string {
  return guess === undefined ? '' : ` Did you mean '${guess}'?`
}
