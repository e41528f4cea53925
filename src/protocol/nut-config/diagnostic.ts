/**
 * Diagnostics shared by every configuration reader (NUT's files and the native YAML):
 * one problem, where it is, and what would be valid. Readers never throw; they collect
 * these and return them beside whatever they could read.
 *
 * Severity policy (docs/configuration.md): `error` when NUT itself refuses the file, or
 * when a value cannot mean what was written (a bad number, an unknown role); `warning`
 * when NUT logs the line and carries on (unknown directive, obsolete setting), and so do we.
 */

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

/** `file:line:col: severity code: message` and, on the next line, the advice. */
export function formatDiagnostic(d: ConfigDiagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file
  const path = d.path === undefined || d.path === '' ? '' : ` (${d.path})`
  const head = `${where}: ${d.severity} ${d.code}: ${d.message}${path}`
  return d.advice === undefined ? head : `${head}\n  ${d.advice}`
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

/** Edit distance counting a swap of two neighbours as one edit; inputs are short names. */
function distance(a: string, b: string): number {
  const rows: number[][] = []
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i]
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j)
        continue
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      const above = rows[i - 1] as number[]
      let d = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      )
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1)
      }
      row.push(d)
    }
    rows.push(row)
  }
  return (rows[a.length] as number[])[b.length] as number
}

/** The closest candidate to `word` (case-insensitive), if it is plausibly a typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 64) return undefined
  const lower = word.toLowerCase()
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  const limit = Math.max(1, Math.floor(lower.length / 3))
  return bestDistance <= limit ? best : undefined
}

/** Advice listing what is valid, with a did-you-mean first when one is close. */
export function adviceFor(word: string, candidates: readonly string[], what: string): string {
  const guess = didYouMean(word, candidates)
  const list = `${what}: ${candidates.join(', ')}`
  return guess === undefined ? list : `did you mean '${guess}'? ${list}`
}
