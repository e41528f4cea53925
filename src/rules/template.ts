/**
 * Message templates: `{ups}` is the device's name, `{event}` the notify event (in `on`
 * rules), `{name}` a variable of the rule's device, `{dev:name}` one of another device;
 * `{{` and `}}` are literal braces. A variable that is missing prints as `?`.
 */
export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'ref'; device: string | undefined; name: string; offset: number }

export interface TemplateProblem {
  offset: number
  length: number
  message: string
}

export interface ParsedTemplate {
  parts: TemplatePart[]
  problems: TemplateProblem[]
}

export function parseTemplate(text: string): ParsedTemplate {
  const parts: TemplatePart[] = []
  const problems: TemplateProblem[] = []
  let literal = ''
  let i = 0
  while (i < text.length) {
    const ch = text[i] as string
    if (ch === '{' && text[i + 1] === '{') {
      literal += '{'
      i += 2
      continue
    }
    if (ch === '}' && text[i + 1] === '}') {
      literal += '}'
      i += 2
      continue
    }
    if (ch === '}') {
      problems.push({
        offset: i,
        length: 1,
        message: "A lone '}' in the text: write '}}' for a brace.",
      })
      literal += ch
      i++
      continue
    }
    if (ch !== '{') {
      literal += ch
      i++
      continue
    }
    const close = text.indexOf('}', i + 1)
    if (close < 0) {
      problems.push({
        offset: i,
        length: text.length - i,
        message: "'{' is not closed: write {name}, or '{{' for a brace.",
      })
      literal += text.slice(i)
      break
    }
    const inner = text.slice(i + 1, close).trim()
    const match = /^(?:([A-Za-z0-9_.-]+):)?([A-Za-z_][A-Za-z0-9_.-]*)$/.exec(inner)
    if (match === null) {
      problems.push({
        offset: i,
        length: close - i + 1,
        message: `'{${inner}}' is not a variable name.`,
      })
      literal += text.slice(i, close + 1)
    } else {
      if (literal.length > 0) parts.push({ kind: 'text', text: literal })
      literal = ''
      parts.push({ kind: 'ref', device: match[1], name: match[2] as string, offset: i + 1 })
    }
    i = close + 1
  }
  if (literal.length > 0) parts.push({ kind: 'text', text: literal })
  return { parts, problems }
}

/** Fills a template; `lookup` answers a reference or undefined (printed as `?`). */
export function renderTemplate(
  template: ParsedTemplate,
  lookup: (device: string | undefined, name: string) => string | undefined,
): string {
  let out = ''
  for (const part of template.parts) {
    out += part.kind === 'text' ? part.text : (lookup(part.device, part.name) ?? '?')
  }
  return out
}
