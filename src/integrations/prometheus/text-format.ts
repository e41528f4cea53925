/**
 * Prometheus text exposition (format 0.0.4) written the way Go's client library writes
 * it, so that nutshell's `/ups_metrics` is byte for byte what nut_exporter serves for the
 * same device: families sorted by name, samples sorted by label values, labels in name
 * order, HELP and label values escaped, floats in Go's shortest `%g` form (`1e+06`).
 *
 * Pure. Families are built per scrape from the store ("const metrics", as Prometheus'
 * maintainers advised nut_exporter), so nothing here keeps state.
 */

export interface Sample {
  /** Label pairs; written sorted by name. */
  labels?: ReadonlyArray<readonly [string, string]>
  value: number
}

export interface MetricFamily {
  name: string
  help: string
  type: 'gauge' | 'counter'
  samples: Sample[]
}

export const textContentType = 'text/plain; version=0.0.4; charset=utf-8'

/** Go's strconv.FormatFloat(v, 'g', -1, 64), as client_golang writes sample values. */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  if (value === 0) return Object.is(value, -0) ? '-0' : '0'
  const size = Math.abs(value)
  // Go's shortest %g switches to an exponent below 1e-4 and from 1e+06 (JS only at 1e21).
  if (size >= 1e-4 && size < 1e6) return String(value)
  const [digits, exponentText] = value.toExponential().split('e') as [string, string]
  const exponent = Number(exponentText)
  // Rounding can carry a value just under 1e6 to the boundary: toExponential decides.
  return exponent < -4 || exponent >= 6 ? goExponent(digits, exponent) : String(value)
}

function goExponent(digits: string, exponent: number): string {
  const sign = exponent < 0 ? '-' : '+'
  return `${digits}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`
}

const needsEscape = /[\\"\n]/

function escapeHelp(text: string): string {
  return needsEscape.test(text) ? text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : text
}

function escapeLabel(text: string): string {
  return needsEscape.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
    : text
}

type Labels = ReadonlyArray<readonly [string, string]>

function sortedLabels(sample: Sample): Labels {
  const labels = sample.labels ?? []
  if (labels.length < 2) return labels
  for (let i = 1; i < labels.length; i++)
    if (
      (labels[i - 1] as readonly [string, string])[0] > (labels[i] as readonly [string, string])[0]
    )
      return [...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return labels // already in name order: no copy
}

function compareLabels(la: Labels, lb: Labels): number {
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    const [na, va] = la[i] as readonly [string, string]
    const [nb, vb] = lb[i] as readonly [string, string]
    if (na !== nb) return na < nb ? -1 : 1
    if (va !== vb) return va < vb ? -1 : 1
  }
  return la.length - lb.length
}

/**
 * The exposition of several families. Families with the same name are merged (the first
 * one's HELP and TYPE win); a sample whose label set repeats is dropped, as a registry
 * would refuse it.
 */
export function writeExposition(families: readonly MetricFamily[]): string {
  const byName = new Map<string, MetricFamily[]>()
  for (const family of families) {
    const known = byName.get(family.name)
    if (known === undefined) byName.set(family.name, [family])
    else known.push(family)
  }
  const names = [...byName.keys()].sort()
  let out = ''
  for (const name of names) {
    const group = byName.get(name) as MetricFamily[]
    const first = group[0] as MetricFamily
    const rows: Array<{ labels: Labels; value: number }> = []
    for (const family of group)
      for (const sample of family.samples)
        rows.push({ labels: sortedLabels(sample), value: sample.value })
    if (rows.length === 0) continue
    if (rows.length > 1) rows.sort((a, b) => compareLabels(a.labels, b.labels))
    out += `# HELP ${name} ${escapeHelp(first.help)}\n# TYPE ${name} ${first.type}\n`
    let previous: Labels | undefined
    for (const row of rows) {
      // A label set given twice is written once, as a registry would refuse the second.
      if (previous !== undefined && compareLabels(previous, row.labels) === 0) continue
      previous = row.labels
      let labelText = ''
      if (row.labels.length > 0) {
        labelText = '{'
        for (let i = 0; i < row.labels.length; i++) {
          const [k, v] = row.labels[i] as readonly [string, string]
          labelText += `${i === 0 ? '' : ','}${k}="${escapeLabel(v)}"`
        }
        labelText += '}'
      }
      out += `${name}${labelText} ${formatGoFloat(row.value)}\n`
    }
  }
  return out
}
