import { SourceFile } from '../source-file.ts'
import type { Span } from './ast.ts'
import type { Diagnostic } from './diagnostics.ts'

/**
 * Renders diagnostics as the rules language does: `file:line:col severity CODE: message`,
 * a code frame with a caret row, notes, and `= help:` advice. `sources` maps each file
 * name to its text (the parse result's `sources`).
 */
export function renderDiagnostics(
  sources: ReadonlyMap<string, string>,
  diagnostics: readonly Diagnostic[],
): string {
  const files = new Map<string, SourceFile>()
  const source = (name: string) => {
    let s = files.get(name)
    if (s === undefined) {
      s = new SourceFile(name, sources.get(name) ?? '')
      files.set(name, s)
    }
    return s
  }
  const out: string[] = []
  for (const d of diagnostics) {
    const s = source(d.file)
    out.push(`${location(s, d.span)} ${d.severity} ${d.code}: ${d.message}`)
    out.push(...frame(s, d.span))
    for (const related of d.related ?? []) {
      const r = source(related.file)
      out.push(`  note: ${location(r, related.span)}: ${related.message}`)
      out.push(...frame(r, related.span).map((l) => `  ${l}`))
    }
    if (d.advice !== undefined) out.push(`  = help: ${d.advice}`)
    out.push('')
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length
  const warnings = diagnostics.length - errors
  out.push(
    `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
  )
  return `${out.join('\n')}\n`
}

function location(source: SourceFile, span: Span): string {
  const { line, column } = source.position(span.start)
  return `${source.name}:${line}:${column}`
}

const maxFrameWidth = 120

function frame(source: SourceFile, span: Span): string[] {
  const { line, column } = source.position(span.start)
  const full = source.lineText(line).replace(/\t/g, ' ')
  const end = source.position(Math.max(span.start, span.end))
  let width =
    end.line === line ? Math.max(1, end.column - column) : Math.max(1, full.length - column + 1)
  // A very long line is shown as a window around the span, so a frame stays readable.
  const from = full.length > maxFrameWidth ? Math.max(0, column - 1 - 20) : 0
  let text = full.slice(from, from + maxFrameWidth)
  let caretAt = column - 1 - from
  if (from > 0) {
    text = `...${text}`
    caretAt += 3
  }
  if (from + maxFrameWidth < full.length) text += '...'
  width = Math.min(width, Math.max(1, text.length - caretAt))
  const gutter = ' '.repeat(String(line).length)
  return [
    `${gutter} |`,
    `${line} | ${text}`,
    `${gutter} | ${' '.repeat(caretAt)}${'^'.repeat(width)}`,
  ]
}

/** Diagnostics as plain data for tools (`--json`), with positions resolved. */
export function diagnosticsToJson(
  sources: ReadonlyMap<string, string>,
  diagnostics: readonly Diagnostic[],
): unknown[] {
  return diagnostics.map((d) => {
    const s = new SourceFile(d.file, sources.get(d.file) ?? '')
    const start = s.position(d.span.start)
    const end = s.position(d.span.end)
    return {
      file: d.file,
      code: d.code,
      severity: d.severity,
      message: d.message,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      ...(d.advice === undefined ? {} : { advice: d.advice }),
    }
  })
}
