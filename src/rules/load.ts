import type { RulesFile } from './ast.ts'
import { type CheckOptions, checkRules } from './checker.ts'
import type { Diagnostic } from './diagnostics.ts'
import { parseRules } from './parser.ts'
import { SourceFile } from './source.ts'
import { looksLikeUpssched, parseUpssched } from './upssched.ts'

export interface LoadedRules {
  source: SourceFile
  file: RulesFile
  format: 'rules' | 'upssched'
  /** Syntax and checker diagnostics, in source order (errors, warnings and notes). */
  diagnostics: Diagnostic[]
}

/**
 * Parses and checks one rules text. A file whose name ends in `upssched.conf`, or whose
 * first word is CMDSCRIPT, PIPEFN, LOCKFN or AT, is read as upssched.conf.
 */
export function loadRulesText(name: string, text: string, options: CheckOptions = {}): LoadedRules {
  const source = new SourceFile(name, text)
  if (looksLikeUpssched(name, text)) {
    const result = parseUpssched(text)
    const diagnostics = [
      ...result.diagnostics,
      ...checkRules(result.file, options).filter(
        // CMDSCRIPT-NOT-SET stands in for a missing CMDSCRIPT, which is already an error.
        (d) => d.code !== 'RULE2015' && !d.message.includes('CMDSCRIPT-NOT-SET'),
      ),
    ]
    return {
      source,
      file: result.file,
      format: 'upssched',
      diagnostics: sortDiagnostics(diagnostics),
    }
  }
  const parsed = parseRules(text)
  // Meaning is checked even when the syntax is broken, so one run shows everything.
  // An empty block after a syntax error is the parser's recovery, not the author's intent.
  const checked = checkRules(parsed.file, options).filter(
    (d) => parsed.diagnostics.length === 0 || d.code !== 'RULE2015',
  )
  const diagnostics = [...parsed.diagnostics, ...checked]
  return { source, file: parsed.file, format: 'rules', diagnostics: sortDiagnostics(diagnostics) }
}

/**
 * Sorted by place. A note inside another diagnostic's span is left out: a style hint on
 * `=` says nothing new beside an error (or a broader hint) about the whole comparison.
 */
function sortDiagnostics(all: Diagnostic[]): Diagnostic[] {
  const list = all.filter(
    (d) =>
      d.severity !== 'note' ||
      !all.some(
        (o) =>
          o !== d &&
          o.span.start <= d.span.start &&
          d.span.end <= o.span.end &&
          o.span.end - o.span.start > d.span.end - d.span.start,
      ),
  )
  return list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.span.start - b.d.span.start || a.i - b.i)
    .map(({ d }) => d)
}
