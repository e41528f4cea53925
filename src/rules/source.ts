import { codeFrame } from '../protocol/code-frame.ts'
import { SourceFile } from '../protocol/source-file.ts'
import type { Span } from './ast.ts'
import type { Diagnostic } from './diagnostics.ts'

export { SourceFile }

function location(source: SourceFile, span: Span): string {
  const { line, column } = source.position(span.start)
  return `${source.name}:${line}:${column}`
}

/** A code frame: the line with its number and a caret row under the span. */
function frame(source: SourceFile, span: Span): string[] {
  const { line, column } = source.position(span.start)
  const text = source.lineText(line)
  const end = source.position(Math.max(span.start, span.end))
  const width =
    end.line === line ? Math.max(1, end.column - column) : Math.max(1, text.length - column + 1)
  return codeFrame(text, line, column, width)
}

/** Renders diagnostics as text: `file:line:col severity CODE: message`, frame, advice. */
export function renderDiagnostics(source: SourceFile, diagnostics: readonly Diagnostic[]): string {
  const out: string[] = []
  for (const d of diagnostics) {
    out.push(`${location(source, d.span)} ${d.severity} ${d.code}: ${d.message}`)
    out.push(...frame(source, d.span))
    for (const related of d.related ?? []) {
      out.push(`  note: ${location(source, related.span)}: ${related.message}`)
      out.push(...frame(source, related.span).map((l) => `  ${l}`))
    }
    if (d.advice !== undefined) out.push(`  = help: ${d.advice}`)
    out.push('')
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length
  const notes = diagnostics.filter((d) => d.severity === 'note').length
  const warnings = diagnostics.length - errors - notes
  out.push(
    `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${notes === 0 ? '' : `, ${notes} note${notes === 1 ? '' : 's'}`}`,
  )
  return `${out.join('\n')}\n`
}

/** Diagnostics as plain data for tools (`--json`), with positions resolved. */
export function diagnosticsToJson(
  source: SourceFile,
  diagnostics: readonly Diagnostic[],
): unknown[] {
  return diagnostics.map((d) => {
    const start = source.position(d.span.start)
    const end = source.position(d.span.end)
    return {
      file: source.name,
      code: d.code,
      severity: d.severity,
      message: d.message,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      ...(d.advice === undefined ? {} : { advice: d.advice }),
      related: (d.related ?? []).map((r) => ({
        message: r.message,
        ...source.position(r.span.start),
      })),
    }
  })
}
