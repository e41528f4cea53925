import { codeFrame } from '../protocol/code-frame.ts'
import type { Span } from './ast.ts'
import type { Diagnostic } from './diagnostics.ts'

/** A rules text with its name, and a line table to turn offsets into line:column. */
export class SourceFile {
  readonly name: string
  readonly text: string
  private readonly lineStarts: number[]

  constructor(name: string, text: string) {
    this.name = name
    this.text = text
    this.lineStarts = [0]
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1)
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    let low = 0
    let high = this.lineStarts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if ((this.lineStarts[mid] ?? 0) <= offset) low = mid
      else high = mid - 1
    }
    return { line: low + 1, column: offset - (this.lineStarts[low] ?? 0) + 1 }
  }

  /** The offset of a 1-based line and column (clamped to the text). */
  offset(line: number, column: number): number {
    const start = this.lineStarts[Math.max(0, line - 1)] ?? this.text.length
    return Math.min(this.text.length, start + Math.max(0, column - 1))
  }

  lineText(line: number): string {
    const start = this.lineStarts[line - 1] ?? this.text.length
    const next = this.lineStarts[line]
    const end = next === undefined ? this.text.length : next - 1
    return this.text.slice(start, end).replace(/\r$/, '')
  }

  get lineCount(): number {
    return this.lineStarts.length
  }
}

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
