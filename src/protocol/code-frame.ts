/**
 * The code frame under a diagnostic, one look for the rules checker and the config checker:
 *
 *     |
 *   3 |     drvier: dummy-ups
 *     |     ^^^^^^
 */
export function codeFrame(lineText: string, line: number, column: number, width: number): string[] {
  const text = lineText.replace(/\t/g, ' ')
  const gutter = String(line).length
  return [
    `${' '.repeat(gutter)} |`,
    `${line} | ${text}`,
    `${' '.repeat(gutter)} | ${' '.repeat(Math.max(0, column - 1))}${'^'.repeat(Math.max(1, width))}`,
  ]
}

/**
 * How wide the word starting at `column` is, for a caret row when only a start is known: a
 * quoted word to its closing quote, else up to a space, `,` `]` `}` `#` `=`, or a `:` that
 * ends a YAML key.
 */
export function wordWidth(lineText: string, column: number): number {
  const start = column - 1
  if (start < 0 || start >= lineText.length) return 1
  if (lineText[start] === '"' || lineText[start] === "'") {
    const close = lineText.indexOf(lineText[start] as string, start + 1)
    return close < 0 ? lineText.length - start : close - start + 1
  }
  let end = start
  while (end < lineText.length) {
    const ch = lineText[end] as string
    if (/[\s,\]}#=]/.test(ch)) break
    if (ch === ':' && (end + 1 >= lineText.length || /\s/.test(lineText[end + 1] as string))) break
    end++
  }
  return Math.max(1, end - start)
}
