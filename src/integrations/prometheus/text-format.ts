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
  const [digits, exponentText] = value.toExponential().split('e') as [string, string]
  const exponent = Number(exponentText)
  // Go's shortest %g switches to an exponent below 1e-4 and from 1e+06 (JS only at 1e21).
  if (exponent < -4 || exponent >= 6) return goExponent(digits, exponent)
  return String(value)
}

function goExponent(digits: string, exponent: number): string {
  const sign = exponent < 0 ? '-' : '+'
  return `${digits}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

function escapeLabel(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function sortedLabels(sample: Sample): ReadonlyArray<readonly [string, string]> {
  const labels = sample.labels ?? []
  return labels.length < 2 ? labels : [...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

function compareSamples(a: Sample, b: Sample): number {
  const la = sortedLabels(a)
  const lb = sortedLabels(b)
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
  const byName = new Map<string, MetricFamily>()
  for (const family of families) {
    const known = byName.get(family.name)
    if (known === undefined) byName.set(family.name, { ...family, samples: [...family.samples] })
    else known.samples.push(...family.samples)
  }
  const names = [...byName.keys()].sort()
  let out = ''
  for (const name of names) {
    const family = byName.get(name) as MetricFamily
    if (family.samples.length === 0) continue
    out += `# HELP ${name} ${escapeHelp(family.help)}\n# TYPE ${name} ${family.type}\n`
    const samples = family.samples.length > 1 ? family.samples.sort(compareSamples) : family.samples
    let previous = ''
    for (const sample of samples) {
      const labels = sortedLabels(sample)
      const labelText =
        labels.length === 0
          ? ''
          : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`
      if (labelText === previous && samples.length > 1 && sample !== samples[0]) continue
      previous = labelText
      out += `${name}${labelText} ${formatGoFloat(sample.value)}\n`
    }
  }
  return out
}
