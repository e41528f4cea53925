/**
 * A text with its name and a line table, turning offsets into line:column and back; shared
 * by every checker that prints code frames (rules, powerman scripts).
 */
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
