/**
 * Diagnostics shared by every configuration reader (NUT's files and the native YAML):
 * one problem, where it is, and what would be valid. Readers never throw; they collect
 * these and return them beside whatever they could read.
 *
 * Severity policy (docs/configuration.md): `error` when NUT itself refuses the file, or
 * when a value cannot mean what was written (a bad number, an unknown role); `warning`
 * when NUT logs the line and carries on (unknown directive, obsolete setting), and so do we.
 */
import { codeFrame, wordWidth } from '../code-frame.ts'
import { suggest } from '../did-you-mean.ts'

export type DiagnosticSeverity = 'error' | 'warning'

/** Stable diagnostic codes: tools may match on them. */
export type DiagnosticCode =
  | 'syntax'
  | 'control-character'
  | 'unknown-directive'
  | 'unknown-key'
  | 'missing-value'
  | 'extra-words'
  | 'bad-number'
  | 'bad-boolean'
  | 'bad-value'
  | 'bad-type'
  | 'out-of-range'
  | 'duplicate'
  | 'bad-section'
  | 'outside-section'
  | 'missing-setting'
  | 'reserved-name'
  | 'obsolete'
  | 'unsupported'
  | 'order'
  | 'no-devices'
  | 'no-password'
  | 'insufficient-power'
  | 'file-missing'
  | 'file-unreadable'
  | 'insecure-permissions'

/** A rules-language code (RULE1016...), when `config check` also checks the rule files. */
export type RuleDiagnosticCode = `RULE${number}`

export interface ConfigDiagnostic {
  severity: DiagnosticSeverity
  code: DiagnosticCode | RuleDiagnosticCode
  file: string
  /** 1-based; 0 when the problem concerns the whole file. */
  line: number
  /** 1-based; 0 when the problem concerns the whole file. */
  column: number
  message: string
  /** What would be valid, or how to fix it. */
  advice?: string
  /** The setting's path in the native config (`devices[1].port`), when there is one. */
  path?: string
}

export interface Position {
  line: number
  column: number
}

export function hasErrors(diagnostics: readonly ConfigDiagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error')
}

/**
 * The compact form for logs: `file:line:col: severity code: message` and, on the next line,
 * the advice. `nutshell config` prints renderDiagnostic's fuller form.
 */
export function formatDiagnostic(d: ConfigDiagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file
  const path = d.path === undefined || d.path === '' ? '' : ` (${d.path})`
  const head = `${where}: ${d.severity} ${d.code}: ${d.message}${path}`
  return d.advice === undefined ? head : `${head}\n  ${d.advice}`
}

/**
 * The rules checker's format (src/rules/source.ts), so `nutshell rules` and `nutshell
 * config` read alike: `file:line:col severity code: message (path)`, the line with a caret
 * under the word at fault when the file's text is given, and `= help:` with the advice.
 */
export function renderDiagnostic(d: ConfigDiagnostic, sourceText?: string): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file
  const path = d.path === undefined || d.path === '' ? '' : ` (${d.path})`
  const out = [`${where} ${d.severity} ${d.code}: ${d.message}${path}`]
  if (sourceText !== undefined && d.line > 0) {
    const text = (sourceText.split('\n')[d.line - 1] ?? '').replace(/\r$/, '')
    if (text.trim() !== '')
      out.push(...codeFrame(text, d.line, d.column, wordWidth(text, d.column)))
  }
  if (d.advice !== undefined) out.push(`  = help: ${d.advice}`)
  return out.join('\n')
}

/** Orders diagnostics by file, then position, keeping the order of equal positions. */
export function sortDiagnostics(list: readonly ConfigDiagnostic[]): ConfigDiagnostic[] {
  return list
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        a.d.file.localeCompare(b.d.file) ||
        a.d.line - b.d.line ||
        a.d.column - b.d.column ||
        a.i - b.i,
    )
    .map(({ d }) => d)
}

/** Advice listing what is valid, with a did-you-mean first when one is close. */
export function adviceFor(word: string, candidates: readonly string[], what: string): string {
  const guess = suggest(word, candidates)
  const list = `${what}: ${candidates.join(', ')}`
  return guess === undefined ? list : `did you mean '${guess}'? ${list}`
}
