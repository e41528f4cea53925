/**
 * LLNL hostlists as powerman reads and prints them: `t[0-15]`, `p[01-10]`, `a,b[1-3]`,
 * `[1-8]` (an empty prefix). Expanding keeps zero-padded widths; compressing sorts and
 * merges runs into the bracketed form powerman prints (`t[1-7,9-15]`, `[8-10,12]`, a lone
 * name unbracketed). Pure; never throws.
 */
export type Expanded = { names: string[] } | { error: string }

/** A cap on one expansion, so a typo like `n[1-999999999]` cannot exhaust memory. */
export const maxHosts = 100_000

export function expandHostlist(text: string): Expanded {
  const names: string[] = []
  for (const element of splitTopLevel(text)) {
    if (element === '') return { error: 'an empty name in the list' }
    const open = element.indexOf('[')
    if (open < 0) {
      if (element.includes(']')) return { error: `unmatched ']' in '${element}'` }
      names.push(element)
      continue
    }
    const close = element.indexOf(']', open)
    if (close < 0) return { error: `unmatched '[' in '${element}'` }
    const prefix = element.slice(0, open)
    const suffix = element.slice(close + 1)
    if (suffix.includes('[') || suffix.includes(']'))
      return { error: `only one [range] per name in '${element}'` }
    for (const range of element.slice(open + 1, close).split(',')) {
      const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(range)
      if (m === null) return { error: `bad range '${range}' in '${element}'` }
      const loText = m[1] as string
      const hiText = m[2] ?? loText
      const lo = Number(loText)
      const hi = Number(hiText)
      if (hi < lo) return { error: `range '${range}' runs backwards` }
      if (names.length + (hi - lo + 1) > maxHosts) return { error: `more than ${maxHosts} names` }
      const width = loText.length > 1 && loText.startsWith('0') ? loText.length : 0
      for (let n = lo; n <= hi; n++)
        names.push(`${prefix}${String(n).padStart(width, '0')}${suffix}`)
    }
  }
  return { names }
}

/** Splits on commas outside brackets. */
function splitTopLevel(text: string): string[] {
  const out: string[] = []
  let depth = 0
  let current = ''
  for (const ch of text) {
    if (ch === '[') depth++
    else if (ch === ']') depth--
    if (ch === ',' && depth === 0) {
      out.push(current)
      current = ''
    } else current += ch
  }
  out.push(current)
  return out
}

interface Numbered {
  prefix: string
  digits: string
  value: number
}

function numbered(name: string): Numbered | undefined {
  const m = /^(.*?)([0-9]+)$/.exec(name)
  if (m === null) return undefined
  const digits = m[2] as string
  return { prefix: m[1] as string, digits, value: Number(digits) }
}

const padded = (d: string) => d.length > 1 && d.startsWith('0')

/** The sorted, de-duplicated, bracketed form of a set of names. */
export function compressHostlist(names: Iterable<string>): string {
  const plain = new Set<string>()
  const byPrefix = new Map<string, Numbered[]>()
  for (const name of new Set(names)) {
    const n = numbered(name)
    if (n === undefined) plain.add(name)
    else {
      const list = byPrefix.get(n.prefix) ?? []
      list.push(n)
      byPrefix.set(n.prefix, list)
    }
  }
  const parts: Array<{ key: string; text: string }> = [...plain].map((p) => ({ key: p, text: p }))
  for (const [prefix, list] of byPrefix) {
    list.sort((a, b) => a.value - b.value || a.digits.length - b.digits.length)
    const ranges: Array<[Numbered, Numbered]> = []
    for (const n of list) {
      const last = ranges[ranges.length - 1]
      const hi = last?.[1]
      if (last !== undefined && hi !== undefined && n.value === hi.value + 1 && compatible(hi, n))
        last[1] = n
      else ranges.push([n, n])
    }
    const first = ranges[0]
    if (ranges.length === 1 && first !== undefined && first[0] === first[1])
      parts.push({ key: prefix, text: `${prefix}${first[0].digits}` })
    else {
      const body = ranges
        .map(([lo, hi]) => (lo === hi ? lo.digits : `${lo.digits}-${hi.digits}`))
        .join(',')
      parts.push({ key: prefix, text: `${prefix}[${body}]` })
    }
  }
  parts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return parts.map((p) => p.text).join(',')
}

/** Two numbers can share a range when widths agree or neither is zero-padded. */
function compatible(a: Numbered, b: Numbered): boolean {
  if (a.digits.length === b.digits.length) return true
  return !padded(a.digits) && !padded(b.digits)
}
